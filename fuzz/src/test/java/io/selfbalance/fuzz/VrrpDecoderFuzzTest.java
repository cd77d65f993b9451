package io.selfbalance.fuzz;

import static io.selfbalance.fuzz.Invariant.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.selfbalance.vrrp.AuthType;
import io.selfbalance.vrrp.ChecksumMode;
import io.selfbalance.vrrp.DecodeResult;
import io.selfbalance.vrrp.IpFamily;
import io.selfbalance.vrrp.ReceivePolicy;
import io.selfbalance.vrrp.ReceivedDatagram;
import io.selfbalance.vrrp.VrrpAdvertisement;
import io.selfbalance.vrrp.VrrpCodec;
import io.selfbalance.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The VRRP receive path: {@link VrrpCodec#parseIpPacket} (raw IPv4/IPv6 packets as the raw socket hands them over)
 * and {@link VrrpCodec#decode} (validation in keepalived's order, v2/v3).
 *
 * <p>Invariants: nothing throws; the result is {@code null} (not VRRP) or a typed {@link DecodeResult}; the decoder's
 * own safety net (a {@code RuntimeException} turned into {@code Dropped(NOT_VRRP, "decoder error: ...")}) never
 * fires, because that means a check let through something the decoder cannot represent; an accepted message obeys the
 * policy it was checked against and re-encodes to bytes that decode to an equal advertisement.
 */
class VrrpDecoderFuzzTest {
    private static final InetAddress OTHER_PEER4 = ip("192.168.77.9");
    private static final InetAddress OTHER_PEER6 = ip("fe80::9");

    /** A whole IP packet (header + VRRP message), decoded against the policies a router may have. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void ipPacket(byte[] packet) {
        ReceivedDatagram d = VrrpCodec.parseIpPacket(packet, packet.length);
        // a receive buffer is larger than the datagram in it: the parser must read only `length` bytes
        byte[] inBiggerBuffer = Arrays.copyOf(packet, packet.length + 7);
        Arrays.fill(inBiggerBuffer, packet.length, inBiggerBuffer.length, (byte) 0xa5);
        ReceivedDatagram again = VrrpCodec.parseIpPacket(inBiggerBuffer, packet.length);
        check(d == null ? again == null : d.equals(again),
                () -> "parseIpPacket depends on bytes after length: " + d + " vs " + again);
        if (d == null) {
            return;
        }
        check(d.family() == IpFamily.IPV4 ? packet.length >= 20 : packet.length >= 40,
                () -> "datagram from a packet shorter than its IP header: " + d);
        InetAddress other = d.family() == IpFamily.IPV4 ? OTHER_PEER4 : OTHER_PEER6;
        List<ReceivePolicy> policies = List.of(
                ReceivePolicy.any(d.family()),
                new ReceivePolicy(VrrpVersion.V3, d.family(), 51, Set.of(), null, 0),
                new ReceivePolicy(VrrpVersion.V2, d.family(), 51, Set.of(), AuthType.NONE, 100),
                new ReceivePolicy(null, d.family(), 0, Set.of(d.source()), null, 0),
                new ReceivePolicy(VrrpVersion.V3, d.family(), 0, Set.of(other), null, 0));
        for (ReceivePolicy p : policies) {
            checkDecode(d, p);
        }
    }

    /**
     * A datagram and a policy straight from the fuzzer. With a fuzzer-chosen bit the harness writes a valid checksum
     * (the one the decoder will verify) so that the fuzzer explores the checks after the checksum instead of spending
     * its time guessing 16-bit sums.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void datagram(FuzzedDataProvider data) {
        IpFamily family = data.consumeBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
        InetAddress source = anyAddress(data.consumeBytes(family.addressLength()), family);
        InetAddress destination = anyAddress(data.consumeBytes(family.addressLength()), family);
        int ttl = data.consumeBoolean() ? VrrpCodec.REQUIRED_TTL : data.consumeInt(-1, 255);
        VrrpVersion version = data.pickValue(new VrrpVersion[] {null, VrrpVersion.V2, VrrpVersion.V3});
        int vrid = data.consumeBoolean() ? 0 : data.consumeInt(0, 255);
        Set<InetAddress> peers = switch (data.consumeInt(0, 2)) {
            case 0 -> Set.of();
            case 1 -> Set.of(source);
            default -> Set.of(family == IpFamily.IPV4 ? OTHER_PEER4 : OTHER_PEER6);
        };
        AuthType auth = data.pickValue(new AuthType[] {null, AuthType.NONE, AuthType.SIMPLE_TEXT, AuthType.IP_AH});
        int v2Interval = data.consumeBoolean() ? 0 : data.consumeInt(0, 25500);
        int checksum = data.consumeInt(0, 2); // 0: as fuzzed, 1: message only, 2: with pseudo-header
        byte[] message = data.consumeRemainingAsBytes();
        if (checksum != 0) {
            writeChecksum(message, family, source, destination, checksum == 2);
        }
        ReceivePolicy policy = new ReceivePolicy(version, family, vrid, peers, auth, v2Interval);
        checkDecode(new ReceivedDatagram(family, source, destination, ttl, message), policy);
    }

    /** Every advertisement the encoder can produce decodes (permissive policy) to an equal one. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void encodeThenDecode(FuzzedDataProvider data) {
        VrrpVersion version = data.consumeBoolean() ? VrrpVersion.V3 : VrrpVersion.V2;
        IpFamily family = version == VrrpVersion.V2 || data.consumeBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
        int vrid = data.consumeInt(1, 255);
        int priority = data.consumeInt(0, 255);
        int interval = version == VrrpVersion.V3 ? data.consumeInt(1, 4095) : data.consumeInt(1, 255) * 100;
        AuthType auth = version == VrrpVersion.V2 ? data.pickValue(AuthType.values()) : AuthType.NONE;
        ChecksumMode mode = data.pickValue(ChecksumMode.values());
        InetAddress source = familyAddress(data.consumeBytes(family.addressLength()), family);
        InetAddress destination = familyAddress(data.consumeBytes(family.addressLength()), family);
        int count = data.consumeInt(1, 255);
        List<InetAddress> vips = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            vips.add(familyAddress(data.consumeBytes(family.addressLength()), family));
        }
        VrrpAdvertisement adv = new VrrpAdvertisement(version, family, vrid, priority, interval, auth, vips);
        byte[] wire = VrrpCodec.encode(adv, source, destination, mode);
        check(wire.length == VrrpCodec.messageLength(version, family, count),
                () -> "encoded length " + wire.length + " for " + adv);
        ReceivedDatagram d = new ReceivedDatagram(family, source, destination, VrrpCodec.REQUIRED_TTL, wire);
        DecodeResult r = VrrpCodec.decode(d, ReceivePolicy.any(family));
        check(r instanceof DecodeResult.Accepted, () -> "own encoding of " + adv + " not accepted: " + r + " " + d);
        DecodeResult.Accepted a = (DecodeResult.Accepted) r;
        check(a.advertisement().equals(adv), () -> "decoded " + a.advertisement() + " from encoded " + adv);
        ChecksumMode expected = version == VrrpVersion.V2 ? ChecksumMode.MESSAGE_ONLY
                : family == IpFamily.IPV6 ? ChecksumMode.WITH_PSEUDO_HEADER : mode;
        // a message-only checksum also verifies with the pseudo-header when the pseudo-header sums to 0 (mod 0xffff)
        boolean ambiguous = expected == ChecksumMode.MESSAGE_ONLY && version == VrrpVersion.V3
                && pseudoHeaderSum(source, destination, wire.length) % 0xffff == 0;
        check(a.checksumMode() == expected || ambiguous,
                () -> "checksum mode " + a.checksumMode() + ", encoded as " + expected + ": " + d);
    }

    static void checkDecode(ReceivedDatagram d, ReceivePolicy policy) {
        DecodeResult r = VrrpCodec.decode(d, policy);
        check(r != null, () -> "decode returned null for " + d);
        if (r instanceof DecodeResult.Dropped dropped) {
            check(dropped.reason() != null && dropped.detail() != null, () -> "untyped drop " + dropped);
            check(!dropped.detail().startsWith("decoder error"),
                    () -> "the decoder's safety net caught an exception (" + dropped.detail() + ") for " + d
                            + " under " + policy);
            return;
        }
        DecodeResult.Accepted a = (DecodeResult.Accepted) r;
        VrrpAdvertisement adv = a.advertisement();
        check(adv.family() == d.family(), () -> "family changed: " + a + " from " + d);
        check(policy.version() == null || adv.version() == policy.version(), () -> "version not enforced: " + a);
        check(policy.vrid() == 0 || adv.vrid() == policy.vrid(), () -> "vrid not enforced: " + a);
        check(policy.unicast() ? policy.unicastPeers().contains(d.source()) : d.ttl() == VrrpCodec.REQUIRED_TTL,
                () -> "source/ttl rule not enforced: " + a + " from " + d + " under " + policy);
        check(a.source().equals(d.source()) && a.ttl() == d.ttl(), () -> "source/ttl changed: " + a + " from " + d);
        check(VrrpCodec.messageLength(adv.version(), adv.family(), adv.addresses().size()) <= d.message().length,
                () -> "accepted more addresses than the message holds: " + a + " from " + d);
        byte[] reencoded = VrrpCodec.encode(adv, d.source(), d.destination(), a.checksumMode());
        ReceivedDatagram d2 = new ReceivedDatagram(d.family(), d.source(), d.destination(), d.ttl(), reencoded);
        DecodeResult r2 = VrrpCodec.decode(d2, policy);
        check(r2 instanceof DecodeResult.Accepted a2 && a2.advertisement().equals(adv),
                () -> "re-encoding of " + adv + " decodes to " + r2 + " (" + d2 + ")");
    }

    /** Writes the checksum the decoder verifies over the length the header announces (if the message holds it). */
    static void writeChecksum(byte[] m, IpFamily family, InetAddress src, InetAddress dst, boolean pseudo) {
        if (m.length < 8) {
            return;
        }
        int versionNibble = (m[0] & 0xff) >>> 4;
        int len = 8 + (m[3] & 0xff) * family.addressLength() + (versionNibble == 2 ? 8 : 0);
        if (m.length < len) {
            return;
        }
        m[6] = 0;
        m[7] = 0;
        long sum = pseudo ? pseudoHeaderSum(src, dst, len) : 0;
        sum = addWords(sum, m, len);
        int c = ~fold(sum) & 0xffff;
        m[6] = (byte) (c >>> 8);
        m[7] = (byte) c;
    }

    /** RFC 768 / RFC 8200 pseudo-header words (source, destination, protocol 112, length) as the decoder adds them. */
    static long pseudoHeaderSum(InetAddress src, InetAddress dst, int length) {
        long sum = addWords(0, src.getAddress(), src.getAddress().length);
        sum = addWords(sum, dst.getAddress(), dst.getAddress().length);
        return sum + VrrpCodec.IP_PROTOCOL + (length & 0xffff) + (length >>> 16);
    }

    private static long addWords(long sum, byte[] b, int len) {
        for (int i = 0; i < len; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < len ? b[i + 1] & 0xff : 0);
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** As a raw socket would report it: {@code InetAddress.getByAddress}, so ::ffff:a.b.c.d becomes IPv4. */
    private static InetAddress anyAddress(byte[] raw, IpFamily family) {
        try {
            return InetAddress.getByAddress(Arrays.copyOf(raw, family.addressLength()));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Always an address of {@code family} (an IPv4-mapped IPv6 address stays an Inet6Address). */
    private static InetAddress familyAddress(byte[] raw, IpFamily family) {
        try {
            byte[] b = Arrays.copyOf(raw, family.addressLength());
            return family == IpFamily.IPV4 ? Inet4Address.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
