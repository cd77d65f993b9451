package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.Addresses;
import io.selfbalance.ipvs.netlink.Native;
import io.selfbalance.ipvs.netlink.SocketCalls;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Real announcements: gratuitous ARP through an {@code AF_PACKET} datagram socket (the kernel adds
 * the Ethernet header, broadcast), unsolicited neighbour advertisements through a raw ICMPv6 socket
 * to all-nodes {@code ff02::1} with hop limit 255 (receivers drop NAs with any other). Sockets are
 * opened on first use, in the network namespace of the thread that first uses them, and closed by
 * {@link #close()}.
 */
public final class PacketAnnouncementSender implements AnnouncementSender {
    static final int AF_INET6 = 10;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private final SocketCalls calls = Native.sockets();
    private int packetFd = -1;
    private int icmpFd = -1;

    /**
     * Opens both sockets now, in the network namespace of the calling thread (otherwise they are
     * opened on first use); sends from any thread then go out of that namespace.
     */
    public PacketAnnouncementSender open() {
        packetSocket();
        icmpSocket();
        return this;
    }

    @Override
    public void announce(LinkInfo link, InetAddress address) {
        if (address instanceof Inet4Address v4) {
            sendArp(link, v4);
        } else {
            sendNa(link, (Inet6Address) address);
        }
    }

    private void sendArp(LinkInfo link, Inet4Address address) {
        int fd = packetSocket();
        byte[] arp = AnnouncementPackets.gratuitousArp(link.hardwareAddress(), address);
        byte[] sll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
                .putShort((short) AF_PACKET)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) AnnouncementPackets.ETH_P_ARP)
                .order(ByteOrder.nativeOrder()).putInt(link.index())
                .putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0})
                .array();
        Native.check(calls.sendto(fd, arp, arp.length, 0, sll, sll.length), "sendto",
                "gratuitous ARP for " + Addresses.format(address) + " on " + link.name());
    }

    private void sendNa(LinkInfo link, Inet6Address address) {
        int fd = icmpSocket();
        setInt(fd, IPV6_MULTICAST_IF, link.index(), "IPV6_MULTICAST_IF " + link.name());
        byte[] na = AnnouncementPackets.unsolicitedNeighborAdvertisement(link.hardwareAddress(), address);
        byte[] sin6 = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder())
                .putShort((short) AF_INET6).putShort((short) 0).putInt(0).put(ALL_NODES).putInt(link.index())
                .array();
        Native.check(calls.sendto(fd, na, na.length, 0, sin6, sin6.length), "sendto",
                "neighbour advertisement for " + Addresses.format(address) + " on " + link.name());
    }

    private int packetSocket() {
        if (packetFd < 0) {
            packetFd = (int) Native.check(calls.socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(AnnouncementPackets.ETH_P_ARP)),
                    "socket", "AF_PACKET, SOCK_DGRAM, ETH_P_ARP");
        }
        return packetFd;
    }

    private int icmpSocket() {
        if (icmpFd < 0) {
            int fd = (int) Native.check(calls.socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6),
                    "socket", "AF_INET6, SOCK_RAW, IPPROTO_ICMPV6");
            try {
                setInt(fd, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS 255");
                setInt(fd, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS 255");
            } catch (RuntimeException e) {
                calls.close(fd);
                throw e;
            }
            icmpFd = fd;
        }
        return icmpFd;
    }

    private void setInt(int fd, int option, int value, String what) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        Native.check(calls.setsockopt(fd, IPPROTO_IPV6, option, v, 4), "setsockopt", what);
    }

    private static int htons(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ((v & 0xff) << 8) | ((v >> 8) & 0xff) : v;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int fd : new int[] {packetFd, icmpFd}) {
            if (fd >= 0) {
                try {
                    Native.check(calls.close(fd), "close", "announcement socket fd " + fd);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
        }
        packetFd = -1;
        icmpFd = -1;
        if (first != null) {
            throw first;
        }
    }
}
