package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * VRRP wire format: pure functions from advertisements to bytes and back. Nothing here keeps state,
 * and {@link #decode} never throws: malformed input becomes a {@link DecodeResult.Dropped}.
 */
public final class VrrpCodec {
    /** IP protocol number of VRRP. */
    public static final int IP_PROTOCOL = 112;
    /** IPv4 TTL / IPv6 hop limit VRRP sends with and requires in multicast mode. */
    public static final int REQUIRED_TTL = 255;
    static final int HEADER_LENGTH = 8;
    static final int V2_AUTH_DATA_LENGTH = 8;

    private VrrpCodec() {}

    /** Length of the VRRP message carrying {@code count} addresses. */
    public static int messageLength(VrrpVersion version, IpFamily family, int count) {
        return HEADER_LENGTH + count * family.addressLength() + (version == VrrpVersion.V2 ? V2_AUTH_DATA_LENGTH : 0);
    }

    /**
     * Encodes {@code adv} as the VRRP message (the IP payload) sent from {@code source} to
     * {@code destination}; the addresses feed the pseudo-header where the checksum needs one.
     */
    public static byte[] encode(VrrpAdvertisement adv, InetAddress source, InetAddress destination, ChecksumMode mode) {
        int len = messageLength(adv.version(), adv.family(), adv.addresses().size());
        byte[] b = new byte[len];
        b[0] = (byte) ((adv.version().wireValue() << 4) | VrrpPacketType.ADVERTISEMENT.wireValue());
        b[1] = (byte) adv.vrid();
        b[2] = (byte) adv.priority();
        b[3] = (byte) adv.addresses().size();
        if (adv.version() == VrrpVersion.V2) {
            b[4] = (byte) adv.authType().wireValue();
            b[5] = (byte) (adv.intervalCentis() / 100);
        } else {
            b[4] = (byte) ((adv.intervalCentis() >>> 8) & 0x0f);
            b[5] = (byte) adv.intervalCentis();
        }
        int off = HEADER_LENGTH;
        for (InetAddress a : adv.addresses()) {
            byte[] raw = a.getAddress();
            System.arraycopy(raw, 0, b, off, raw.length);
            off += raw.length;
        }
        long initial = usesPseudoHeader(adv.version(), adv.family(), mode)
                ? InternetChecksum.pseudoHeader(source, destination, IP_PROTOCOL, len) : 0;
        int sum = InternetChecksum.compute(initial, b, 0, len);
        b[6] = (byte) (sum >>> 8);
        b[7] = (byte) sum;
        return b;
    }

    static boolean usesPseudoHeader(VrrpVersion v, IpFamily f, ChecksumMode mode) {
        if (v == VrrpVersion.V2) {
            return false;
        }
        return f == IpFamily.IPV6 || mode == ChecksumMode.WITH_PSEUDO_HEADER;
    }

    /**
     * Validates {@code d} against {@code policy} in keepalived's order (length, TTL, version, type,
     * checksum, VRID, address count, v2 auth type, v2 interval, unicast source) and decodes it.
     */
    public static DecodeResult decode(ReceivedDatagram d, ReceivePolicy policy) {
        try {
            return decodeChecked(d, policy);
        } catch (RuntimeException e) {
            // the checks above bound every index; this only guards the promise that nothing escapes
            return new DecodeResult.Dropped(DropReason.NOT_VRRP, "decoder error: " + e);
        }
    }

    private static DecodeResult decodeChecked(ReceivedDatagram d, ReceivePolicy policy) {
        byte[] b = d.messageUnsafe();
        IpFamily family = d.family();
        if (family != policy.family()) {
            return drop(DropReason.NOT_VRRP, "family " + family + ", configured " + policy.family());
        }
        if (b.length < HEADER_LENGTH) {
            return drop(DropReason.LENGTH, b.length + " bytes, header needs " + HEADER_LENGTH);
        }
        int versionNibble = (b[0] & 0xff) >>> 4;
        int count = b[3] & 0xff;
        VrrpVersion lengthRule = versionNibble == 2 ? VrrpVersion.V2 : VrrpVersion.V3;
        int len = messageLength(lengthRule, family, count);
        if (b.length < len) {
            return drop(DropReason.LENGTH, b.length + " bytes, " + count + " addresses need " + len);
        }
        // the IP layer already trimmed link padding: more than 255 addresses can fill is not padding
        int largest = messageLength(lengthRule, family, 255);
        if (b.length > largest) {
            return drop(DropReason.LENGTH, b.length + " bytes, larger than the largest VRRP message (" + largest + ")");
        }
        if (!policy.unicast() && d.ttl() != REQUIRED_TTL) {
            return drop(DropReason.TTL, "ttl/hop limit " + d.ttl() + ", required " + REQUIRED_TTL);
        }
        VrrpVersion version = VrrpVersion.fromWire(versionNibble);
        if (version == null || (policy.version() != null && version != policy.version())
                || (version == VrrpVersion.V2 && family != IpFamily.IPV4)) {
            return drop(DropReason.VERSION, "version " + versionNibble + ", configured "
                    + (policy.version() == null ? "2 or 3" : policy.version().wireValue()) + " over " + family);
        }
        int type = b[0] & 0x0f;
        if (type != VrrpPacketType.ADVERTISEMENT.wireValue()) {
            return drop(DropReason.TYPE, "type " + type + ", only 1 (advertisement) exists");
        }
        ChecksumMode verified;
        if (version == VrrpVersion.V2) {
            if (InternetChecksum.compute(0, b, 0, len) != 0) {
                return drop(DropReason.CHECKSUM, "v2 message checksum " + checksumField(b) + " does not verify");
            }
            verified = ChecksumMode.MESSAGE_ONLY;
        } else {
            long pseudo = InternetChecksum.pseudoHeader(d.source(), d.destination(), IP_PROTOCOL, len);
            if (InternetChecksum.compute(pseudo, b, 0, len) == 0) {
                verified = ChecksumMode.WITH_PSEUDO_HEADER;
            } else if (family == IpFamily.IPV4 && InternetChecksum.compute(0, b, 0, len) == 0) {
                verified = ChecksumMode.MESSAGE_ONLY;
            } else {
                return drop(DropReason.CHECKSUM, "v3 " + family + " checksum " + checksumField(b)
                        + " does not verify" + (family == IpFamily.IPV4 ? " with or without the pseudo-header" : "")
                        + " (src " + d.source().getHostAddress() + ", dst " + d.destination().getHostAddress() + ")");
            }
        }
        int vrid = b[1] & 0xff;
        if (policy.vrid() != 0 && vrid != policy.vrid()) {
            return drop(DropReason.UNKNOWN_VRID, "vrid " + vrid + ", configured " + policy.vrid());
        }
        if (vrid == 0) {
            return drop(DropReason.UNKNOWN_VRID, "vrid 0 is not a valid VRID");
        }
        if (count == 0) {
            return drop(DropReason.NO_ADDRESSES, "address count 0");
        }
        AuthType auth = AuthType.NONE;
        int intervalCentis;
        if (version == VrrpVersion.V2) {
            int authWire = b[4] & 0xff;
            auth = AuthType.fromWire(authWire);
            if (auth == null || (policy.v2AuthType() != null && auth != policy.v2AuthType())) {
                return drop(DropReason.AUTH_TYPE, "auth type " + authWire + ", configured "
                        + (policy.v2AuthType() == null ? "0..2" : policy.v2AuthType().wireValue()));
            }
            int seconds = b[5] & 0xff;
            intervalCentis = seconds * 100;
            if ((policy.v2IntervalCentis() != 0 && intervalCentis != policy.v2IntervalCentis()) || seconds == 0) {
                return drop(DropReason.INTERVAL, "interval " + seconds + " s, configured "
                        + (policy.v2IntervalCentis() == 0 ? "1..255" : policy.v2IntervalCentis() / 100) + " s");
            }
        } else {
            intervalCentis = ((b[4] & 0x0f) << 8) | (b[5] & 0xff);
            if (intervalCentis == 0) {
                return drop(DropReason.INTERVAL, "max advert interval 0 cs");
            }
        }
        if (policy.unicast() && !policy.unicastPeers().contains(d.source())) {
            return drop(DropReason.UNKNOWN_UNICAST_SOURCE, "source " + d.source().getHostAddress()
                    + " is not a configured peer " + policy.unicastPeers());
        }
        List<InetAddress> addresses = new ArrayList<>(count);
        int alen = family.addressLength();
        for (int i = 0; i < count; i++) {
            byte[] raw = new byte[alen];
            System.arraycopy(b, HEADER_LENGTH + i * alen, raw, 0, alen);
            addresses.add(family.address(raw));
        }
        VrrpAdvertisement adv = new VrrpAdvertisement(version, family, vrid, b[2] & 0xff, intervalCentis, auth, addresses);
        return new DecodeResult.Accepted(adv, d.source(), d.ttl(), verified);
    }

    /**
     * Reads a whole IP packet (IPv4 header with options, or IPv6 fixed header followed directly by
     * VRRP) into a datagram, or returns {@code null} when it is not an IP protocol 112 packet.
     */
    public static ReceivedDatagram parseIpPacket(byte[] p, int length) {
        if (length < 1 || length > p.length) {
            return null;
        }
        int ipVersion = (p[0] & 0xff) >>> 4;
        if (ipVersion == 4) {
            if (length < 20) {
                return null;
            }
            int ihl = (p[0] & 0x0f) * 4;
            int total = ((p[2] & 0xff) << 8) | (p[3] & 0xff);
            if (ihl < 20 || total < ihl || total > length || (p[9] & 0xff) != IP_PROTOCOL) {
                return null;
            }
            byte[] src = new byte[4];
            byte[] dst = new byte[4];
            System.arraycopy(p, 12, src, 0, 4);
            System.arraycopy(p, 16, dst, 0, 4);
            byte[] payload = new byte[total - ihl];
            System.arraycopy(p, ihl, payload, 0, payload.length);
            return new ReceivedDatagram(IpFamily.IPV4, IpFamily.IPV4.address(src), IpFamily.IPV4.address(dst),
                    p[8] & 0xff, payload);
        }
        if (ipVersion == 6) {
            if (length < 40 || (p[6] & 0xff) != IP_PROTOCOL) {
                return null;
            }
            int payloadLength = ((p[4] & 0xff) << 8) | (p[5] & 0xff);
            if (40 + payloadLength > length) {
                return null;
            }
            byte[] src = new byte[16];
            byte[] dst = new byte[16];
            System.arraycopy(p, 8, src, 0, 16);
            System.arraycopy(p, 24, dst, 0, 16);
            byte[] payload = new byte[payloadLength];
            System.arraycopy(p, 40, payload, 0, payloadLength);
            return new ReceivedDatagram(IpFamily.IPV6, IpFamily.IPV6.address(src), IpFamily.IPV6.address(dst),
                    p[7] & 0xff, payload);
        }
        return null;
    }

    /** Unsigned big-endian comparison of two addresses of one family (the equal-priority tie-break). */
    public static int compareAddresses(InetAddress a, InetAddress b) {
        return java.util.Arrays.compareUnsigned(a.getAddress(), b.getAddress());
    }

    private static String checksumField(byte[] b) {
        return String.format("0x%02x%02x", b[6] & 0xff, b[7] & 0xff);
    }

    private static DecodeResult drop(DropReason r, String detail) {
        return new DecodeResult.Dropped(r, detail);
    }

    /** Lower-case hex of {@code b}. */
    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >>> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** Bytes of a hex string (whitespace ignored). */
    public static byte[] unhex(String s) {
        String t = s.replaceAll("\\s+", "");
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string of odd length " + t.length());
        }
        byte[] out = new byte[t.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
