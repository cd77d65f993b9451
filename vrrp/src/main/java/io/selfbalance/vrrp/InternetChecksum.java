package io.selfbalance.vrrp;

import java.net.InetAddress;

/** The 16-bit one's complement checksum of RFC 1071, with the IPv4 and IPv6 pseudo-headers VRRP uses. */
final class InternetChecksum {
    private InternetChecksum() {}

    /** Adds {@code len} bytes to a running 32-bit sum (big-endian 16-bit words, odd byte padded). */
    static long add(long sum, byte[] b, int off, int len) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if (i < len) {
            sum += (b[off + i] & 0xff) << 8;
        }
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * The running sum of the pseudo-header: IPv4 (RFC 768 style: src, dst, zero, protocol, length)
     * or IPv6 (RFC 8200 section 8.1: src, dst, 32-bit length, 3 zero bytes, next header).
     */
    static long pseudoHeader(InetAddress src, InetAddress dst, int protocol, int length) {
        byte[] s = src.getAddress();
        byte[] d = dst.getAddress();
        long sum = add(0, s, 0, s.length);
        sum = add(sum, d, 0, d.length);
        sum += protocol;
        sum += length & 0xffff;
        sum += (length >>> 16) & 0xffff;
        return sum;
    }

    /** Checksum of {@code b[off, off+len)} with the checksum field itself counted as found. */
    static int compute(long initial, byte[] b, int off, int len) {
        return fold(add(initial, b, off, len));
    }
}
