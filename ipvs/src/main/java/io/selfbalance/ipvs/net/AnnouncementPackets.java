package io.selfbalance.ipvs.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/** The bytes of a gratuitous ARP request and of an unsolicited neighbour advertisement. Pure. */
public final class AnnouncementPackets {
    public static final int ETH_P_ARP = 0x0806;
    public static final int ARP_LENGTH = 28;
    public static final int NA_LENGTH = 32;
    static final int ARPOP_REQUEST = 1;
    static final int ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
    static final int NA_FLAG_OVERRIDE = 0x20000000;
    static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;

    private AnnouncementPackets() {}

    /**
     * An ARP request whose sender and target address are both {@code address} (a gratuitous ARP):
     * receivers that know {@code address} update its hardware address to {@code mac}.
     */
    public static byte[] gratuitousArp(byte[] mac, Inet4Address address) {
        requireMac(mac);
        byte[] ip = address.getAddress();
        return ByteBuffer.allocate(ARP_LENGTH)
                .putShort((short) 1)            // hardware type: Ethernet
                .putShort((short) 0x0800)       // protocol type: IPv4
                .put((byte) 6).put((byte) 4)
                .putShort((short) ARPOP_REQUEST)
                .put(mac).put(ip)
                .put(new byte[6]).put(ip)       // target hardware unknown, target protocol = sender
                .array();
    }

    /**
     * An unsolicited neighbour advertisement (RFC 4861 7.2.6) for {@code target}, override flag set,
     * with the target link-layer address option; the kernel fills in the checksum.
     */
    public static byte[] unsolicitedNeighborAdvertisement(byte[] mac, Inet6Address target) {
        requireMac(mac);
        return ByteBuffer.allocate(NA_LENGTH)
                .put((byte) ICMPV6_NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .putInt(NA_FLAG_OVERRIDE)
                .put(target.getAddress())
                .put((byte) OPTION_TARGET_LINK_LAYER_ADDRESS).put((byte) 1).put(mac)
                .array();
    }

    private static void requireMac(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("an Ethernet hardware address has 6 bytes, got "
                    + (mac == null ? "none" : mac.length) + " (interface without a MAC, e.g. lo?)");
        }
    }
}
