package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.NetlinkFormatException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.net.Inet6Address;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Kernel replies the value types would refuse (found by the fuzz module's IpvsReplyFuzzTest): the decoders must
 * fail with their documented {@link NetlinkFormatException} naming the attribute and the value, and IPv4-mapped
 * IPv6 addresses must stay IPv6.
 */
class IpvsCodecBadReplyTest {
    private final IpvsCodec codec = new IpvsCodec(0x22);

    /** A well-formed IPv6 service reply (as the kernel sends it) with {@code changes} replacing attributes. */
    private static NetlinkMessage serviceReply(Map<Integer, Consumer<AttributeWriter>> changes) {
        Map<Integer, Consumer<AttributeWriter>> attrs = new LinkedHashMap<>();
        attrs.put(IpvsCodec.SVC_ATTR_AF, w -> w.putU16(IpvsCodec.SVC_ATTR_AF, 10));
        attrs.put(IpvsCodec.SVC_ATTR_PROTOCOL, w -> w.putU16(IpvsCodec.SVC_ATTR_PROTOCOL, 6));
        attrs.put(IpvsCodec.SVC_ATTR_ADDR, w -> w.put(IpvsCodec.SVC_ATTR_ADDR, parse("fd77::254").getAddress()));
        attrs.put(IpvsCodec.SVC_ATTR_PORT, w -> w.putBe16(IpvsCodec.SVC_ATTR_PORT, 80));
        attrs.put(IpvsCodec.SVC_ATTR_SCHED_NAME, w -> w.putString(IpvsCodec.SVC_ATTR_SCHED_NAME, "wrr"));
        attrs.put(IpvsCodec.SVC_ATTR_FLAGS, w -> w.put(IpvsCodec.SVC_ATTR_FLAGS, new byte[8]));
        attrs.put(IpvsCodec.SVC_ATTR_TIMEOUT, w -> w.putU32(IpvsCodec.SVC_ATTR_TIMEOUT, 0));
        attrs.put(IpvsCodec.SVC_ATTR_NETMASK, w -> w.putU32(IpvsCodec.SVC_ATTR_NETMASK, 128));
        attrs.putAll(changes);
        return reply(IpvsCodec.CMD_NEW_SERVICE, IpvsCodec.CMD_ATTR_SERVICE, attrs);
    }

    /** A well-formed IPv4 DR destination reply with {@code changes} replacing attributes. */
    private static NetlinkMessage destinationReply(Map<Integer, Consumer<AttributeWriter>> changes) {
        Map<Integer, Consumer<AttributeWriter>> attrs = new LinkedHashMap<>();
        attrs.put(IpvsCodec.DEST_ATTR_ADDR, w -> w.put(IpvsCodec.DEST_ATTR_ADDR, new byte[] {(byte) 192, (byte) 168, 77, 2,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        attrs.put(IpvsCodec.DEST_ATTR_PORT, w -> w.putBe16(IpvsCodec.DEST_ATTR_PORT, 80));
        attrs.put(IpvsCodec.DEST_ATTR_FWD_METHOD, w -> w.putU32(IpvsCodec.DEST_ATTR_FWD_METHOD, 3));
        attrs.put(IpvsCodec.DEST_ATTR_WEIGHT, w -> w.putU32(IpvsCodec.DEST_ATTR_WEIGHT, 100));
        attrs.put(IpvsCodec.DEST_ATTR_U_THRESH, w -> w.putU32(IpvsCodec.DEST_ATTR_U_THRESH, 0));
        attrs.put(IpvsCodec.DEST_ATTR_L_THRESH, w -> w.putU32(IpvsCodec.DEST_ATTR_L_THRESH, 0));
        attrs.put(IpvsCodec.DEST_ATTR_ADDR_FAMILY, w -> w.putU16(IpvsCodec.DEST_ATTR_ADDR_FAMILY, 2));
        attrs.putAll(changes);
        return reply(IpvsCodec.CMD_NEW_DEST, IpvsCodec.CMD_ATTR_DEST, attrs);
    }

    private static NetlinkMessage reply(int command, int outer, Map<Integer, Consumer<AttributeWriter>> attrs) {
        AttributeWriter w = GenericNetlink.message(command, IpvsCodec.VERSION);
        int nest = w.beginNested(outer);
        attrs.values().forEach(a -> a.accept(w));
        w.endNested(nest);
        return new NetlinkMessage(0x22, 2, 1, 1, w.toByteArray());
    }

    private NetlinkFormatException badService(int attribute, Consumer<AttributeWriter> value, String... mentions) {
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class,
                () -> codec.decodeService(serviceReply(Map.of(attribute, value))));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), () -> "'" + e.getMessage() + "' should mention " + m);
        }
        return e;
    }

    private void badDestination(int attribute, Consumer<AttributeWriter> value, String... mentions) {
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class,
                () -> codec.decodeDestination(destinationReply(Map.of(attribute, value)), AddressFamily.INET));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), () -> "'" + e.getMessage() + "' should mention " + m);
        }
    }

    @Test
    void theBaseRepliesDecode() {
        IpvsService s = codec.decodeService(serviceReply(Map.of()));
        assertEquals(new IpvsService(AddressFamily.INET6, IpvsProtocol.TCP, parse("fd77::254"), 80, 0, "wrr", 0, 0, 128), s);
        IpvsDestination d = codec.decodeDestination(destinationReply(Map.of()), AddressFamily.INET);
        assertEquals(IpvsDestination.directRoute(parse("192.168.77.2"), 80, 100), d.settings());
    }

    @Test
    void unknownAddressFamilyNamesTheAttribute() {
        badService(IpvsCodec.SVC_ATTR_AF, w -> w.putU16(IpvsCodec.SVC_ATTR_AF, 0), "SVC_ATTR_AF 0", "AF_INET (2)");
        badService(IpvsCodec.SVC_ATTR_AF, w -> w.putU16(IpvsCodec.SVC_ATTR_AF, 65290), "SVC_ATTR_AF 65290");
        badDestination(IpvsCodec.DEST_ATTR_ADDR_FAMILY, w -> w.putU16(IpvsCodec.DEST_ATTR_ADDR_FAMILY, 6),
                "DEST_ATTR_ADDR_FAMILY 6", "AF_INET6 (10)");
    }

    @Test
    void unknownProtocolIsRefused() {
        badService(IpvsCodec.SVC_ATTR_PROTOCOL, w -> w.putU16(IpvsCodec.SVC_ATTR_PROTOCOL, 8483),
                "SVC_ATTR_PROTOCOL 8483", "TCP (6)");
    }

    @Test
    void badSchedulerNameIsRefusedAndPrintedSafely() {
        badService(IpvsCodec.SVC_ATTR_SCHED_NAME, w -> w.putString(IpvsCodec.SVC_ATTR_SCHED_NAME, ""),
                "SVC_ATTR_SCHED_NAME ''");
        badService(IpvsCodec.SVC_ATTR_SCHED_NAME, w -> w.putString(IpvsCodec.SVC_ATTR_SCHED_NAME, "\u0001rr"),
                "SVC_ATTR_SCHED_NAME '\\x01rr'", "a-z, 0-9, _");
        badService(IpvsCodec.SVC_ATTR_SCHED_NAME, w -> w.putString(IpvsCodec.SVC_ATTR_SCHED_NAME, "a_scheduler_name_too_long"),
                "'a_scheduler_name_too_long'");
    }

    @Test
    void flagsShorterThanTheFlagsWordAreRefused() {
        badService(IpvsCodec.SVC_ATTR_FLAGS, w -> w.put(IpvsCodec.SVC_ATTR_FLAGS, new byte[] {1, 0}),
                "SVC_ATTR_FLAGS has 2 bytes");
        // 4 bytes are enough: only the flags word is read; the kernel's own 8 bytes keep working
        IpvsService s = codec.decodeService(serviceReply(Map.of(IpvsCodec.SVC_ATTR_FLAGS,
                w -> w.putU32(IpvsCodec.SVC_ATTR_FLAGS, IpvsService.PERSISTENT | IpvsService.HASHED))));
        assertEquals(IpvsService.PERSISTENT, s.flags());
    }

    @Test
    void timeoutFrom2To31IsRefusedNotWrapped() {
        badService(IpvsCodec.SVC_ATTR_TIMEOUT, w -> w.putU32(IpvsCodec.SVC_ATTR_TIMEOUT, 0x80000000),
                "SVC_ATTR_TIMEOUT 2147483648", "2147483647");
        badService(IpvsCodec.SVC_ATTR_TIMEOUT, w -> w.putU32(IpvsCodec.SVC_ATTR_TIMEOUT, -1), "4294967295");
        IpvsService s = codec.decodeService(serviceReply(Map.of(IpvsCodec.SVC_ATTR_TIMEOUT,
                w -> w.putU32(IpvsCodec.SVC_ATTR_TIMEOUT, Integer.MAX_VALUE))));
        assertEquals(Integer.MAX_VALUE, s.timeout());
    }

    @Test
    void ipv6NetmaskOutside0To128IsRefused() {
        badService(IpvsCodec.SVC_ATTR_NETMASK, w -> w.putU32(IpvsCodec.SVC_ATTR_NETMASK, 192),
                "SVC_ATTR_NETMASK 192", "INET6", "0..128");
        badService(IpvsCodec.SVC_ATTR_NETMASK, w -> w.putU32(IpvsCodec.SVC_ATTR_NETMASK, -905767165),
                "SVC_ATTR_NETMASK " + Integer.toUnsignedString(-905767165));
        assertEquals(0, codec.decodeService(serviceReply(Map.of(IpvsCodec.SVC_ATTR_NETMASK,
                w -> w.putU32(IpvsCodec.SVC_ATTR_NETMASK, 0)))).netmask());
    }

    @Test
    void ipv4MappedServiceAddressStaysIpv6AndRoundTrips() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, (byte) 168, 77, (byte) 254};
        IpvsService s = codec.decodeService(serviceReply(Map.of(IpvsCodec.SVC_ATTR_ADDR,
                w -> w.put(IpvsCodec.SVC_ATTR_ADDR, mapped))));
        assertInstanceOf(Inet6Address.class, s.address());
        assertArrayEquals(mapped, s.address().getAddress());
        assertEquals(AddressFamily.INET6, s.family());
        NetlinkRequest add = codec.request(new IpvsOperation.AddService(s));
        assertEquals(s, codec.decodeService(new NetlinkMessage(add.type(), 0, 1, 0, add.payload())));
    }

    @Test
    void unknownForwardingMethodIsRefused() {
        badDestination(IpvsCodec.DEST_ATTR_FWD_METHOD, w -> w.putU32(IpvsCodec.DEST_ATTR_FWD_METHOD, 4),
                "DEST_ATTR_FWD_METHOD 0x4", "forwarding method 4", "3 (DR)");
        badDestination(IpvsCodec.DEST_ATTR_FWD_METHOD, w -> w.putU32(IpvsCodec.DEST_ATTR_FWD_METHOD, 0x26),
                "DEST_ATTR_FWD_METHOD 0x26", "forwarding method 6");
        // other IP_VS_CONN_F_* bits beside the method are the kernel's business, not an error
        IpvsDestination d = codec.decodeDestination(destinationReply(Map.of(IpvsCodec.DEST_ATTR_FWD_METHOD,
                w -> w.putU32(IpvsCodec.DEST_ATTR_FWD_METHOD, 0x100 | 3))), AddressFamily.INET);
        assertEquals(Forwarding.DIRECT_ROUTE, d.forwarding());
    }

    @Test
    void weightAndThresholdsFrom2To31AreRefusedNotWrapped() {
        badDestination(IpvsCodec.DEST_ATTR_WEIGHT, w -> w.putU32(IpvsCodec.DEST_ATTR_WEIGHT, -989855644),
                "DEST_ATTR_WEIGHT " + Integer.toUnsignedString(-989855644), "2147483647");
        badDestination(IpvsCodec.DEST_ATTR_U_THRESH, w -> w.putU32(IpvsCodec.DEST_ATTR_U_THRESH, 0x80000000),
                "DEST_ATTR_U_THRESH 2147483648");
        badDestination(IpvsCodec.DEST_ATTR_L_THRESH, w -> w.putU32(IpvsCodec.DEST_ATTR_L_THRESH, -131072),
                "DEST_ATTR_L_THRESH " + Integer.toUnsignedString(-131072));
    }

    @Test
    void ipv4MappedDestinationOfAnIpv6ServiceStaysIpv6() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, (byte) 168, 77, 2};
        IpvsDestination d = codec.decodeDestination(destinationReply(Map.of(
                IpvsCodec.DEST_ATTR_ADDR, w -> w.put(IpvsCodec.DEST_ATTR_ADDR, mapped),
                IpvsCodec.DEST_ATTR_ADDR_FAMILY, w -> w.putU16(IpvsCodec.DEST_ATTR_ADDR_FAMILY, 10))), AddressFamily.INET6);
        assertInstanceOf(Inet6Address.class, d.address());
        assertArrayEquals(mapped, d.address().getAddress());
        assertEquals("[::ffff:c0a8:4d02]:80", d.key().toString());
    }

    @Test
    void truncatedAddressIsRefused() {
        badDestination(IpvsCodec.DEST_ATTR_ADDR, w -> w.put(IpvsCodec.DEST_ATTR_ADDR, new byte[] {10, 0}),
                "INET address of 2 bytes");
    }
}
