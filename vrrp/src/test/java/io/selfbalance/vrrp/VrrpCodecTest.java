package io.selfbalance.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VrrpCodecTest {
    static final InetAddress SRC4 = ip("192.168.77.2");
    static final InetAddress GROUP4 = IpFamily.IPV4.vrrpGroup();
    static final InetAddress SRC6 = ip("fe80::ff:fe77:2");
    static final InetAddress GROUP6 = IpFamily.IPV6.vrrpGroup();
    static final List<InetAddress> VIPS4 = List.of(ip("192.168.77.254"), ip("192.168.77.253"));
    static final List<InetAddress> VIPS6 = List.of(ip("fd77::254"));
    static final ReceivePolicy V3_4 = new ReceivePolicy(VrrpVersion.V3, IpFamily.IPV4, 51, Set.of(), null, 0);
    static final ReceivePolicy V3_6 = new ReceivePolicy(VrrpVersion.V3, IpFamily.IPV6, 51, Set.of(), null, 0);
    static final ReceivePolicy V2_4 = new ReceivePolicy(VrrpVersion.V2, IpFamily.IPV4, 51, Set.of(), AuthType.NONE, 100);

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static ReceivedDatagram dgram4(byte[] msg, int ttl) {
        return new ReceivedDatagram(IpFamily.IPV4, SRC4, GROUP4, ttl, msg);
    }

    static DecodeResult.Accepted accepted(DecodeResult r) {
        return assertInstanceOf(DecodeResult.Accepted.class, r, () -> "expected accepted, got " + r);
    }

    static void assertDropped(DropReason reason, DecodeResult r) {
        assertDropped(reason, r, "");
    }

    static void assertDropped(DropReason reason, DecodeResult r, String why) {
        DecodeResult.Dropped d = assertInstanceOf(DecodeResult.Dropped.class, r, () -> why + " expected drop " + reason + ", got " + r);
        assertEquals(reason, d.reason(), why + " " + d.detail());
    }

    /** Recomputes the checksum of a hand-edited message (message-only, or with the pseudo-header). */
    static byte[] fixChecksum(byte[] m, int len, InetAddress src, InetAddress dst, boolean pseudo) {
        m[6] = 0;
        m[7] = 0;
        long init = pseudo ? InternetChecksum.pseudoHeader(src, dst, 112, len) : 0;
        int c = InternetChecksum.compute(init, m, 0, len);
        m[6] = (byte) (c >>> 8);
        m[7] = (byte) c;
        return m;
    }

    @Test
    void v3Ipv4RoundTripInBothChecksumModes() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV4, 51, 100, 100, VIPS4);
        byte[] pseudo = VrrpCodec.encode(adv, SRC4, GROUP4, ChecksumMode.WITH_PSEUDO_HEADER);
        byte[] plain = VrrpCodec.encode(adv, SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        assertEquals(16, pseudo.length);
        assertTrue(pseudo[6] != plain[6] || pseudo[7] != plain[7], "the two checksum forms differ");
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(dgram4(pseudo, 255), V3_4));
        assertEquals(adv, a.advertisement());
        assertEquals(ChecksumMode.WITH_PSEUDO_HEADER, a.checksumMode());
        DecodeResult.Accepted b = accepted(VrrpCodec.decode(dgram4(plain, 255), V3_4));
        assertEquals(adv, b.advertisement());
        assertEquals(ChecksumMode.MESSAGE_ONLY, b.checksumMode());
        assertEquals(SRC4, b.source());
    }

    @Test
    void v3IntervalUsesTwelveBits() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV4, 7, 254, 4095, List.of(ip("10.0.0.1")));
        byte[] m = VrrpCodec.encode(adv, SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        assertEquals(0x0f, m[4]);
        assertEquals((byte) 0xff, m[5]);
        assertEquals(4095, accepted(VrrpCodec.decode(dgram4(m, 255), ReceivePolicy.any(IpFamily.IPV4))).advertisement().intervalCentis());
        // reserved high bits are ignored on receive
        m[4] |= (byte) 0xf0;
        fixChecksum(m, m.length, SRC4, GROUP4, false);
        assertEquals(4095, accepted(VrrpCodec.decode(dgram4(m, 255), ReceivePolicy.any(IpFamily.IPV4))).advertisement().intervalCentis());
    }

    @Test
    void v2RoundTrip() {
        VrrpAdvertisement adv = VrrpAdvertisement.v2(51, 150, 1, VIPS4);
        byte[] m = VrrpCodec.encode(adv, SRC4, GROUP4, ChecksumMode.WITH_PSEUDO_HEADER);
        assertEquals(8 + 8 + 8, m.length, "v2 carries 8 bytes of authentication data");
        assertEquals(0x21, m[0]);
        assertEquals(1, m[5]);
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(dgram4(m, 255), V2_4));
        assertEquals(adv, a.advertisement());
        assertEquals(ChecksumMode.MESSAGE_ONLY, a.checksumMode(), "v2 checksum never has a pseudo-header");
    }

    @Test
    void v3Ipv6RoundTrip() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV6, 51, 100, 50, VIPS6);
        byte[] m = VrrpCodec.encode(adv, SRC6, GROUP6, ChecksumMode.MESSAGE_ONLY);
        assertEquals(24, m.length);
        ReceivedDatagram d = new ReceivedDatagram(IpFamily.IPV6, SRC6, GROUP6, 255, m);
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(d, V3_6));
        assertEquals(adv, a.advertisement());
        assertEquals(ChecksumMode.WITH_PSEUDO_HEADER, a.checksumMode(), "IPv6 always uses the pseudo-header");
        // a message-only checksum is not accepted over IPv6
        fixChecksum(m, m.length, SRC6, GROUP6, false);
        assertDropped(DropReason.CHECKSUM, VrrpCodec.decode(new ReceivedDatagram(IpFamily.IPV6, SRC6, GROUP6, 255, m), V3_6));
    }

    @Test
    void pseudoHeaderBindsSourceAndDestination() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV4, 51, 100, 100, VIPS4);
        byte[] m = VrrpCodec.encode(adv, SRC4, GROUP4, ChecksumMode.WITH_PSEUDO_HEADER);
        ReceivedDatagram other = new ReceivedDatagram(IpFamily.IPV4, ip("192.168.77.3"), GROUP4, 255, m);
        assertDropped(DropReason.CHECKSUM, VrrpCodec.decode(other, V3_4));
    }

    // ---------------------------------------------------------------- drops, one per reason, in order

    byte[] v3msg() {
        return VrrpCodec.encode(VrrpAdvertisement.v3(IpFamily.IPV4, 51, 100, 100, VIPS4), SRC4, GROUP4, ChecksumMode.WITH_PSEUDO_HEADER);
    }

    @Test
    void lengthShorterThanHeader() {
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(new byte[7], 255), V3_4));
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(new byte[0], 255), V3_4));
    }

    @Test
    void lengthShorterThanAddressList() {
        byte[] m = v3msg();
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(Arrays.copyOf(m, m.length - 1), 255), V3_4));
        byte[] v2 = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 1, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(Arrays.copyOf(v2, v2.length - 8), 255), V2_4),
                "v2 without its authentication data is short");
    }

    @Test
    void ethernetPaddingIsAccepted() {
        byte[] m = Arrays.copyOf(v3msg(), 46);
        assertEquals(VIPS4, accepted(VrrpCodec.decode(dgram4(m, 255), V3_4)).advertisement().addresses());
    }

    @Test
    void oversizedIsDropped() {
        int largestV3 = VrrpCodec.messageLength(VrrpVersion.V3, IpFamily.IPV4, 255);
        assertEquals(VIPS4, accepted(VrrpCodec.decode(dgram4(Arrays.copyOf(v3msg(), largestV3), 255), V3_4))
                .advertisement().addresses(), "padding up to the largest message is accepted");
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(Arrays.copyOf(v3msg(), largestV3 + 1), 255), V3_4));
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(Arrays.copyOf(v3msg(), 3000), 255), V3_4));
        byte[] v2 = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 1, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        int largestV2 = VrrpCodec.messageLength(VrrpVersion.V2, IpFamily.IPV4, 255);
        accepted(VrrpCodec.decode(dgram4(Arrays.copyOf(v2, largestV2), 255), V2_4));
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(Arrays.copyOf(v2, largestV2 + 1), 255), V2_4));
    }

    @Test
    void ttlMustBe255InMulticastModeOnly() {
        assertDropped(DropReason.TTL, VrrpCodec.decode(dgram4(v3msg(), 254), V3_4));
        assertDropped(DropReason.TTL, VrrpCodec.decode(dgram4(v3msg(), -1), V3_4));
        ReceivePolicy unicast = new ReceivePolicy(VrrpVersion.V3, IpFamily.IPV4, 51, Set.of(SRC4), null, 0);
        byte[] m = VrrpCodec.encode(VrrpAdvertisement.v3(IpFamily.IPV4, 51, 100, 100, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        accepted(VrrpCodec.decode(dgram4(m, 64), unicast));
    }

    @Test
    void versionMustMatch() {
        byte[] v2 = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 1, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        assertDropped(DropReason.VERSION, VrrpCodec.decode(dgram4(v2, 255), V3_4));
        assertDropped(DropReason.VERSION, VrrpCodec.decode(dgram4(v3msg(), 255), V2_4));
        byte[] m = v3msg();
        m[0] = 0x41;
        fixChecksum(m, m.length, SRC4, GROUP4, true);
        assertDropped(DropReason.VERSION, VrrpCodec.decode(dgram4(m, 255), ReceivePolicy.any(IpFamily.IPV4)));
    }

    @Test
    void typeMustBeAdvertisement() {
        byte[] m = v3msg();
        m[0] = 0x32;
        fixChecksum(m, m.length, SRC4, GROUP4, true);
        assertDropped(DropReason.TYPE, VrrpCodec.decode(dgram4(m, 255), V3_4));
    }

    @Test
    void checksumMustVerify() {
        byte[] m = v3msg();
        m[2] = 99; // priority changed after the checksum was computed
        assertDropped(DropReason.CHECKSUM, VrrpCodec.decode(dgram4(m, 255), V3_4));
        byte[] v2 = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 1, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        v2[7] ^= 1;
        assertDropped(DropReason.CHECKSUM, VrrpCodec.decode(dgram4(v2, 255), V2_4));
    }

    @Test
    void vridMustBeConfigured() {
        byte[] m = VrrpCodec.encode(VrrpAdvertisement.v3(IpFamily.IPV4, 52, 100, 100, VIPS4), SRC4, GROUP4, ChecksumMode.WITH_PSEUDO_HEADER);
        assertDropped(DropReason.UNKNOWN_VRID, VrrpCodec.decode(dgram4(m, 255), V3_4));
    }

    @Test
    void atLeastOneAddress() {
        byte[] m = Arrays.copyOf(v3msg(), 8);
        m[3] = 0;
        fixChecksum(m, 8, SRC4, GROUP4, true);
        assertDropped(DropReason.NO_ADDRESSES, VrrpCodec.decode(dgram4(m, 255), V3_4));
    }

    @Test
    void v2AuthTypeMustMatch() {
        byte[] m = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 1, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        m[4] = 1;
        fixChecksum(m, m.length, SRC4, GROUP4, false);
        assertDropped(DropReason.AUTH_TYPE, VrrpCodec.decode(dgram4(m, 255), V2_4));
        m[4] = 7;
        fixChecksum(m, m.length, SRC4, GROUP4, false);
        assertDropped(DropReason.AUTH_TYPE, VrrpCodec.decode(dgram4(m, 255), ReceivePolicy.any(IpFamily.IPV4)));
    }

    @Test
    void v2IntervalMustMatch() {
        byte[] m = VrrpCodec.encode(VrrpAdvertisement.v2(51, 100, 2, VIPS4), SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
        assertDropped(DropReason.INTERVAL, VrrpCodec.decode(dgram4(m, 255), V2_4));
    }

    @Test
    void unicastSourceMustBeAPeer() {
        ReceivePolicy unicast = new ReceivePolicy(VrrpVersion.V3, IpFamily.IPV4, 51, Set.of(ip("192.168.77.3")), null, 0);
        assertDropped(DropReason.UNKNOWN_UNICAST_SOURCE, VrrpCodec.decode(dgram4(v3msg(), 255), unicast));
    }

    @Test
    void familyMismatchIsNotVrrpForThisRouter() {
        assertDropped(DropReason.NOT_VRRP, VrrpCodec.decode(dgram4(v3msg(), 255), V3_6));
    }

    @Test
    void firstFailingCheckNamesTheReason() {
        byte[] m = v3msg();
        m[0] = 0x42; // wrong version and wrong type, checksum broken too
        assertDropped(DropReason.TTL, VrrpCodec.decode(dgram4(m, 1), V3_4));
        assertDropped(DropReason.VERSION, VrrpCodec.decode(dgram4(m, 255), V3_4));
        byte[] n = v3msg();
        n[1] = 9; // unknown VRID and broken checksum: checksum comes first
        assertDropped(DropReason.CHECKSUM, VrrpCodec.decode(dgram4(n, 255), V3_4));
        byte[] o = Arrays.copyOf(v3msg(), 10); // short and bad TTL: length first
        assertDropped(DropReason.LENGTH, VrrpCodec.decode(dgram4(o, 3), V3_4));
    }

    @Test
    void randomInputNeverThrows() {
        Random rnd = new Random(5798);
        for (int i = 0; i < 20000; i++) {
            byte[] m = new byte[rnd.nextInt(64)];
            rnd.nextBytes(m);
            if (m.length > 0 && rnd.nextBoolean()) {
                m[0] = (byte) (0x30 | (m[0] & 0x0f));
            }
            assertNotNull(VrrpCodec.decode(dgram4(m, 255), ReceivePolicy.any(IpFamily.IPV4)));
            assertNotNull(VrrpCodec.decode(new ReceivedDatagram(IpFamily.IPV6, SRC6, GROUP6, 255, m), V3_6));
            VrrpCodec.parseIpPacket(m, m.length);
        }
    }

    @Test
    void ipPacketParsing() {
        byte[] pkt = VrrpCodec.unhex("45c0002400010000ff70ccebc0a84d02e00000123133640200645edbc0a84dfec0a84dfd");
        ReceivedDatagram d = VrrpCodec.parseIpPacket(pkt, pkt.length);
        assertNotNull(d);
        assertEquals(SRC4, d.source());
        assertEquals(GROUP4, d.destination());
        assertEquals(255, d.ttl());
        assertEquals(16, d.message().length);
        byte[] tcp = pkt.clone();
        tcp[9] = 6;
        assertNull(VrrpCodec.parseIpPacket(tcp, tcp.length));
        assertNull(VrrpCodec.parseIpPacket(pkt, 19));
        assertNull(VrrpCodec.parseIpPacket(pkt, 30), "total length beyond the buffer");
    }

    @Test
    void advertisementRejectsBadFieldsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VrrpAdvertisement.v3(IpFamily.IPV4, 0, 100, 100, VIPS4));
        assertTrue(e.getMessage().contains("vrid = 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VrrpAdvertisement.v3(IpFamily.IPV4, 1, 100, 4096, VIPS4));
        assertThrows(IllegalArgumentException.class, () -> VrrpAdvertisement.v3(IpFamily.IPV4, 1, 100, 100, VIPS6));
        assertThrows(IllegalArgumentException.class, () -> VrrpAdvertisement.v3(IpFamily.IPV4, 1, 100, 100, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new VrrpAdvertisement(VrrpVersion.V2, IpFamily.IPV6, 1, 100, 100, AuthType.NONE, VIPS6));
        assertThrows(IllegalArgumentException.class, () -> VrrpAdvertisement.v2(1, 100, 0, VIPS4));
    }

    @Test
    void addressesCompareUnsigned() {
        assertTrue(VrrpCodec.compareAddresses(ip("192.168.77.200"), ip("192.168.77.20")) > 0);
        assertTrue(VrrpCodec.compareAddresses(ip("10.0.0.1"), ip("192.168.0.1")) < 0);
        assertTrue(VrrpCodec.compareAddresses(ip("fe80::ff"), ip("fe80::7f")) > 0);
    }

    @Test
    void encodeAssertsFieldsOnTheWire() {
        byte[] m = v3msg();
        assertArrayEquals(VrrpCodec.unhex("31 33 64 02 00 64"), Arrays.copyOf(m, 6));
        assertArrayEquals(VrrpCodec.unhex("c0a84dfe c0a84dfd"), Arrays.copyOfRange(m, 8, 16));
    }
    // ---------------------------------------------------------------- IPv4-mapped IPv6 (fuzz finding)

    static InetAddress mapped(String ipv4) {
        byte[] raw = new byte[16];
        raw[10] = (byte) 0xff;
        raw[11] = (byte) 0xff;
        System.arraycopy(ip(ipv4).getAddress(), 0, raw, 12, 4);
        return IpFamily.IPV6.address(raw);
    }

    /**
     * keepalived's v3 IPv6 advert with its VIP replaced by ::ffff:192.168.77.254 (fuzz input
     * VrrpDecoderFuzzTestInputs/ipPacket/vrrp-ipv6-mapped-vip.bin). An IPv6 advert lists IPv6 addresses (RFC 5798
     * 5.2.9): the mapped one is decoded as the IPv6 address it is, never as the IPv4 VIP 192.168.77.254, and the
     * decoder's safety net does not fire.
     */
    @Test
    void ipv4MappedAddressInAnIpv6AdvertIsAnIpv6Address() {
        byte[] packet = VrrpCodec.unhex("6c090b8f001870fffe80000000000000000000fffe770002ff0200000000000000000000000000123133"
                + "640100645e2900000000000000000000ffffc0a84dfe");
        ReceivedDatagram d = VrrpCodec.parseIpPacket(packet, packet.length);
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(d, V3_6));
        InetAddress vip = a.advertisement().addresses().get(0);
        assertInstanceOf(java.net.Inet6Address.class, vip);
        assertArrayEquals(VrrpCodec.unhex("00000000000000000000ffffc0a84dfe"), vip.getAddress());
        assertTrue(!vip.equals(ip("192.168.77.254")), "not the IPv4 VIP");
        assertEquals(mapped("192.168.77.254"), vip);
        assertEquals(ChecksumMode.WITH_PSEUDO_HEADER, a.checksumMode());
        // an IPv4 router never takes it for its VIP: the advert is IPv6
        assertDropped(DropReason.NOT_VRRP, VrrpCodec.decode(d, V3_4));
    }

    /** The encoder accepts a mapped IPv6 address; its own encoding must decode to the same advert (fuzz finding). */
    @Test
    void ipv4MappedAddressRoundTrips() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV6, 51, 100, 50,
                List.of(ip("fd77::254"), mapped("255.6.6.6")));
        byte[] m = VrrpCodec.encode(adv, SRC6, GROUP6, ChecksumMode.WITH_PSEUDO_HEADER);
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(new ReceivedDatagram(IpFamily.IPV6, SRC6, GROUP6, 255, m), V3_6));
        assertEquals(adv, a.advertisement());
        assertThrows(IllegalArgumentException.class, () -> VrrpAdvertisement.v3(IpFamily.IPV6, 51, 100, 50,
                List.of(ip("::ffff:192.168.77.254"))), "the JDK's parser makes this literal IPv4: not an IPv6 VIP");
    }

    /** A mapped IPv6 source keeps 16 bytes in the pseudo-header, so a correct sender's checksum verifies. */
    @Test
    void ipv4MappedSourceKeepsTheIpv6PseudoHeader() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV6, 51, 100, 50, VIPS6);
        InetAddress source = mapped("192.168.77.2");
        byte[] m = VrrpCodec.encode(adv, source, GROUP6, ChecksumMode.WITH_PSEUDO_HEADER);
        byte[] packet = new byte[40 + m.length];
        packet[0] = 0x60;
        packet[5] = (byte) m.length;
        packet[6] = (byte) VrrpCodec.IP_PROTOCOL;
        packet[7] = (byte) 255;
        System.arraycopy(source.getAddress(), 0, packet, 8, 16);
        System.arraycopy(GROUP6.getAddress(), 0, packet, 24, 16);
        System.arraycopy(m, 0, packet, 40, m.length);
        ReceivedDatagram d = VrrpCodec.parseIpPacket(packet, packet.length);
        assertEquals(source, d.source());
        assertInstanceOf(java.net.Inet6Address.class, d.source());
        DecodeResult.Accepted a = accepted(VrrpCodec.decode(d, V3_6));
        assertEquals(adv, a.advertisement());
        assertEquals(source, a.source());
    }

    @Test
    void familyAddressNeedsItsLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpFamily.IPV6.address(new byte[4]));
        assertTrue(e.getMessage().contains("IPV6 address of 4 bytes; expected 16"), e.getMessage());
        assertEquals(ip("192.168.77.2"), IpFamily.IPV4.address(ip("192.168.77.2").getAddress()));
    }
}
