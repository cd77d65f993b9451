package io.selfbalance.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IP address with a prefix length, written in CIDR form ({@code 192.168.77.254/24},
 * {@code fd77::254/64}). Used for virtual addresses (the prefix becomes the address's prefix on the
 * interface) and for the interface's own subnets in {@link SelfbalanceConfigLoader#runtimeWarnings}.
 */
public record IpPrefix(InetAddress address, int prefixLength) {

    public IpPrefix {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
        int max = maxPrefixLength(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + max);
        }
    }

    /**
     * Parses CIDR notation. The address must be a literal (no name lookups happen) and the
     * prefix length is mandatory, because it decides the subnet route the VIP brings along.
     *
     * @throws IllegalArgumentException with a message saying what is allowed
     */
    public static IpPrefix parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64");
        }
        InetAddress address;
        try {
            address = IpAddresses.parseLiteral(s.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64");
        }
        int max = maxPrefixLength(address);
        String lengthText = s.substring(slash + 1);
        if (!lengthText.matches("[0-9]{1,3}") || Integer.parseInt(lengthText) > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + " for an " + family(address) + " address");
        }
        return new IpPrefix(address, Integer.parseInt(lengthText));
    }

    /** @return true for an IPv6 prefix */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** @return true if {@code candidate} lies inside this prefix (same family and same leading bits) */
    public boolean contains(InetAddress candidate) {
        byte[] network = address.getAddress();
        byte[] other = candidate.getAddress();
        if (network.length != other.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (network[i] != other[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - remainingBits)) & 0xff;
        return (network[fullBytes] & mask) == (other[fullBytes] & mask);
    }

    static int maxPrefixLength(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    static String family(InetAddress address) {
        return address instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    /** CIDR text, the form {@link #parse} accepts. */
    @Override
    public String toString() {
        return IpAddresses.format(address) + "/" + prefixLength;
    }
}
