package io.selfbalance.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes advertisements captured from a real keepalived 2.2.7 (see src/test/resources/keepalived/README.md). */
class KeepalivedFixturesTest {

    static List<byte[]> packets(String name) throws IOException {
        try (InputStream in = KeepalivedFixturesTest.class.getResourceAsStream("/keepalived/" + name)) {
            assertNotNull(in, name);
            List<byte[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(VrrpCodec.unhex(line));
                }
            }
            return out;
        }
    }

    static void check(String file, VrrpRouterSettings settings, ChecksumMode expectedChecksum, List<InetAddress> vips,
                      InetAddress source) throws IOException {
        List<byte[]> pkts = packets(file);
        assertEquals(true, pkts.size() >= 3, file + " has adverts");
        ReceivePolicy policy = ReceivePolicy.of(settings);
        for (int i = 0; i < pkts.size(); i++) {
            byte[] p = pkts.get(i);
            ReceivedDatagram d = VrrpCodec.parseIpPacket(p, p.length);
            assertNotNull(d, file + " packet " + i);
            DecodeResult r = VrrpCodec.decode(d, policy);
            DecodeResult.Accepted a = assertInstanceOf(DecodeResult.Accepted.class, r, file + " packet " + i + ": " + r);
            VrrpAdvertisement adv = a.advertisement();
            boolean last = i == pkts.size() - 1;
            assertEquals(settings.version(), adv.version());
            assertEquals(51, adv.vrid());
            assertEquals(last ? 0 : 100, adv.priority(), "keepalived's last packet on stop has priority 0");
            assertEquals(100, adv.intervalCentis());
            assertEquals(vips, adv.addresses());
            assertEquals(source, a.source());
            assertEquals(255, a.ttl());
            assertEquals(expectedChecksum, a.checksumMode());
            // our encoder produces exactly keepalived's bytes for the same advertisement
            byte[] ours = VrrpCodec.encode(adv, d.source(), d.destination(), expectedChecksum);
            assertArrayEquals(d.message(), ours, file + " packet " + i + " re-encoded");
            // and the other v3 IPv4 checksum form of the same advert is accepted too
            if (settings.version() == VrrpVersion.V3 && settings.family() == IpFamily.IPV4) {
                byte[] other = VrrpCodec.encode(adv, d.source(), d.destination(), ChecksumMode.MESSAGE_ONLY);
                assertInstanceOf(DecodeResult.Accepted.class, VrrpCodec.decode(
                        new ReceivedDatagram(d.family(), d.source(), d.destination(), 255, other), policy));
            }
        }
    }

    @Test
    void keepalivedV3Ipv4UsesThePseudoHeaderChecksum() throws IOException {
        List<InetAddress> vips = List.of(VrrpCodecTest.ip("192.168.77.254"), VrrpCodecTest.ip("192.168.77.253"));
        check("v3-ipv4.hex", settings(VrrpVersion.V3, vips), ChecksumMode.WITH_PSEUDO_HEADER, vips, VrrpCodecTest.ip("192.168.77.2"));
    }

    @Test
    void keepalivedV2Ipv4() throws IOException {
        List<InetAddress> vips = List.of(VrrpCodecTest.ip("192.168.77.254"));
        check("v2-ipv4.hex", settings(VrrpVersion.V2, vips), ChecksumMode.MESSAGE_ONLY, vips, VrrpCodecTest.ip("192.168.77.2"));
    }

    @Test
    void keepalivedV3Ipv6FromLinkLocal() throws IOException {
        List<InetAddress> vips = List.of(VrrpCodecTest.ip("fd77::254"));
        check("v3-ipv6.hex", settings(VrrpVersion.V3, vips), ChecksumMode.WITH_PSEUDO_HEADER, vips, VrrpCodecTest.ip("fe80::ff:fe77:2"));
    }

    static VrrpRouterSettings settings(VrrpVersion v, List<InetAddress> vips) {
        return new VrrpRouterSettings("eth0", 51, v, 100, java.time.Duration.ofSeconds(1), true, null, vips, List.of(), null, null);
    }
}
