package io.selfbalance.vrrp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The IP version a virtual router runs over; the value is the IP header's version nibble. */
public enum IpFamily {
    IPV4(4, 4, "224.0.0.18"),
    IPV6(6, 16, "ff02::12");

    private final int wireValue;
    private final int addressLength;
    private final InetAddress vrrpGroup;

    IpFamily(int wireValue, int addressLength, String group) {
        this.wireValue = wireValue;
        this.addressLength = addressLength;
        try {
            this.vrrpGroup = InetAddress.getByName(group);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public int wireValue() {
        return wireValue;
    }

    /** Bytes per address: 4 or 16. */
    public int addressLength() {
        return addressLength;
    }

    /** The VRRP multicast group: 224.0.0.18 or ff02::12. */
    public InetAddress vrrpGroup() {
        return vrrpGroup;
    }

    /**
     * The address of this family in {@code raw} (exactly {@link #addressLength()} bytes, network order). An IPv6
     * address stays an {@link Inet6Address} even when it is IPv4-mapped ({@code ::ffff:a.b.c.d}):
     * {@link InetAddress#getByAddress(byte[])} would return an {@link Inet4Address} for it, which is neither what
     * was on the wire (an IPv6 advert lists IPv6 addresses, RFC 5798 section 5.2.9) nor what the IPv6
     * pseudo-header checksum is computed over.
     */
    public InetAddress address(byte[] raw) {
        if (raw.length != addressLength) {
            throw new IllegalArgumentException(this + " address of " + raw.length + " bytes; expected " + addressLength);
        }
        try {
            return this == IPV6 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(this + " address of " + raw.length + " bytes", e);
        }
    }

    public boolean matches(InetAddress a) {
        return this == IPV4 ? a instanceof Inet4Address : a instanceof Inet6Address;
    }

    public static IpFamily of(InetAddress a) {
        return a instanceof Inet4Address ? IPV4 : IPV6;
    }
}
