package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A VRRP message as a transport received it, before validation: the IP-layer facts the checks need
 * and the bytes after the IP header.
 *
 * @param family      IPv4 or IPv6
 * @param source      IP source address (for IPv6 link-local, without scope)
 * @param destination IP destination address (the group, or our address in unicast mode)
 * @param ttl         IPv4 TTL / IPv6 hop limit as received, or -1 when the transport could not learn it
 * @param message     the VRRP message (IP payload), possibly followed by padding
 */
public record ReceivedDatagram(IpFamily family, InetAddress source, InetAddress destination, int ttl, byte[] message) {
    public ReceivedDatagram {
        message = message.clone();
    }

    @Override
    public byte[] message() {
        return message.clone();
    }

    byte[] messageUnsafe() {
        return message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedDatagram d && d.family == family && d.source.equals(source)
                && d.destination.equals(destination) && d.ttl == ttl && Arrays.equals(d.message, message);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(message) * 31 + source.hashCode();
    }

    @Override
    public String toString() {
        return "ReceivedDatagram[" + family + " " + source.getHostAddress() + " -> " + destination.getHostAddress()
                + " ttl=" + ttl + " " + VrrpCodec.hex(message) + "]";
    }
}
