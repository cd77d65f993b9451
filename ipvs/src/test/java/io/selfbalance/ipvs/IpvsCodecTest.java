package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsCodecTest {
    final IpvsCodec codec = new IpvsCodec(0x22);
    final IpvsService web = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");

    private static NetlinkMessage asMessage(NetlinkRequest r) {
        return new NetlinkMessage(r.type(), r.flags(), 1, 0, r.payload());
    }

    @Test
    void addServiceCarriesEveryFieldTheKernelRequires() {
        NetlinkRequest r = codec.request(new IpvsOperation.AddService(web));
        assertEquals(0x22, r.type());
        assertEquals("add service TCP 192.168.77.254:80 wrr", r.operation());
        NetlinkMessage m = asMessage(r);
        assertEquals(IpvsCodec.CMD_NEW_SERVICE, GenericNetlink.command(m));
        assertEquals(IpvsCodec.VERSION, m.payload()[1]);
        Attributes s = GenericNetlink.attributes(m).nested(IpvsCodec.CMD_ATTR_SERVICE);
        assertEquals(List.of(1, 2, 3, 4, 6, 7, 8, 9), s.types());
        assertEquals(2, s.u16(IpvsCodec.SVC_ATTR_AF));
        assertEquals(6, s.u16(IpvsCodec.SVC_ATTR_PROTOCOL));
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 77, (byte) 254}, s.bytes(IpvsCodec.SVC_ATTR_ADDR));
        assertArrayEquals(new byte[] {0, 80}, s.bytes(IpvsCodec.SVC_ATTR_PORT));
        assertEquals("wrr", s.string(IpvsCodec.SVC_ATTR_SCHED_NAME));
        ByteBuffer flags = ByteBuffer.wrap(s.bytes(IpvsCodec.SVC_ATTR_FLAGS)).order(ByteOrder.nativeOrder());
        assertEquals(0, flags.getInt(0));
        assertEquals(-1, flags.getInt(4));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, s.bytes(IpvsCodec.SVC_ATTR_NETMASK));
        assertEquals(web, codec.decodeService(m));
    }

    @Test
    void syncDaemonRequestsCarryStateInterfaceAndSyncIdAndRepliesDecode() {
        IpvsSyncDaemon master = new IpvsSyncDaemon(IpvsSyncDaemon.Role.MASTER, "eth0", 51);
        NetlinkRequest start = codec.newDaemon(master);
        assertEquals("start master sync daemon on eth0 (sync id 51)", start.operation());
        NetlinkMessage m = asMessage(start);
        assertEquals(IpvsCodec.CMD_NEW_DAEMON, GenericNetlink.command(m));
        Attributes d = GenericNetlink.attributes(m).nested(IpvsCodec.CMD_ATTR_DAEMON);
        assertEquals(List.of(1, 2, 3), d.types());
        assertEquals(1, d.u32(IpvsCodec.DAEMON_ATTR_STATE));
        // NUL-terminated, as the kernel's NLA_NUL_STRING policy for IPVS_DAEMON_ATTR_MCAST_IFN wants
        assertArrayEquals(new byte[] {'e', 't', 'h', '0', 0}, d.bytes(IpvsCodec.DAEMON_ATTR_MCAST_IFN));
        assertEquals(51, d.u32(IpvsCodec.DAEMON_ATTR_SYNC_ID));
        // a GET_DAEMON reply has the same nested layout
        assertEquals(master, codec.decodeDaemon(m));

        NetlinkMessage stop = asMessage(codec.delDaemon(IpvsSyncDaemon.Role.BACKUP));
        assertEquals(IpvsCodec.CMD_DEL_DAEMON, GenericNetlink.command(stop));
        Attributes ds = GenericNetlink.attributes(stop).nested(IpvsCodec.CMD_ATTR_DAEMON);
        assertEquals(List.of(1), ds.types());
        assertEquals(2, ds.u32(IpvsCodec.DAEMON_ATTR_STATE));
        assertEquals(IpvsCodec.CMD_GET_DAEMON, GenericNetlink.command(asMessage(codec.dumpDaemons())));
    }

    @Test
    void syncDaemonValuesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IpvsSyncDaemon(IpvsSyncDaemon.Role.MASTER, "a-very-long-ifname", 1));
        assertTrue(e.getMessage().contains("'a-very-long-ifname'") && e.getMessage().contains("1-15"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new IpvsSyncDaemon(IpvsSyncDaemon.Role.BACKUP, "eth0", 256));
        assertEquals("sync id 256 not allowed: 0..255", e.getMessage());
        // a reply with an unknown state fails as a format error naming it
        io.selfbalance.ipvs.netlink.AttributeWriter w = GenericNetlink.message(IpvsCodec.CMD_GET_DAEMON, IpvsCodec.VERSION);
        int nest = w.beginNested(IpvsCodec.CMD_ATTR_DAEMON);
        w.putU32(IpvsCodec.DAEMON_ATTR_STATE, 4);
        w.putString(IpvsCodec.DAEMON_ATTR_MCAST_IFN, "eth0");
        w.putU32(IpvsCodec.DAEMON_ATTR_SYNC_ID, 1);
        w.endNested(nest);
        io.selfbalance.ipvs.netlink.NetlinkFormatException f = assertThrows(io.selfbalance.ipvs.netlink.NetlinkFormatException.class,
                () -> codec.decodeDaemon(new NetlinkMessage(0x22, 0, 1, 0, w.toByteArray())));
        assertTrue(f.getMessage().contains("state 4"), f.getMessage());
    }

    @Test
    void portsGoInNetworkOrder() {
        NetlinkRequest r = codec.request(new IpvsOperation.AddService(IpvsService.tcp(parse("10.0.0.1"), 8080, "rr")));
        Attributes s = GenericNetlink.attributes(asMessage(r)).nested(IpvsCodec.CMD_ATTR_SERVICE);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x90}, s.bytes(IpvsCodec.SVC_ATTR_PORT));
    }

    @Test
    void persistentServiceRoundTripsWithIpv4AndIpv6Netmasks() {
        IpvsService v4 = new IpvsService(AddressFamily.INET, IpvsProtocol.UDP, parse("10.0.0.1"), 53, 0, "rr",
                IpvsService.PERSISTENT, 300, 24);
        NetlinkMessage m4 = asMessage(codec.request(new IpvsOperation.EditService(v4)));
        assertEquals(IpvsCodec.CMD_SET_SERVICE, GenericNetlink.command(m4));
        assertArrayEquals(new byte[] {-1, -1, -1, 0},
                GenericNetlink.attributes(m4).nested(IpvsCodec.CMD_ATTR_SERVICE).bytes(IpvsCodec.SVC_ATTR_NETMASK));
        assertEquals(v4, codec.decodeService(m4));
        IpvsService v6 = new IpvsService(AddressFamily.INET6, IpvsProtocol.TCP, parse("fd77::1"), 443, 0, "sh",
                IpvsService.PERSISTENT, 60, 64);
        NetlinkMessage m6 = asMessage(codec.request(new IpvsOperation.AddService(v6)));
        assertEquals(64, GenericNetlink.attributes(m6).nested(IpvsCodec.CMD_ATTR_SERVICE).u32(IpvsCodec.SVC_ATTR_NETMASK));
        assertEquals(16, GenericNetlink.attributes(m6).nested(IpvsCodec.CMD_ATTR_SERVICE).bytes(IpvsCodec.SVC_ATTR_ADDR).length);
        assertEquals(v6, codec.decodeService(m6));
    }

    @Test
    void firewallMarkServiceSendsOnlyFamilyAndMark() {
        IpvsService fw = IpvsService.firewallMark(AddressFamily.INET, 7, "wlc");
        NetlinkMessage m = asMessage(codec.request(new IpvsOperation.DeleteService(fw.key())));
        Attributes s = GenericNetlink.attributes(m).nested(IpvsCodec.CMD_ATTR_SERVICE);
        assertEquals(List.of(IpvsCodec.SVC_ATTR_AF, IpvsCodec.SVC_ATTR_FWMARK), s.types());
        assertEquals(7, s.u32(IpvsCodec.SVC_ATTR_FWMARK));
        assertEquals(fw, codec.decodeService(asMessage(codec.request(new IpvsOperation.AddService(fw)))));
    }

    @Test
    void destinationRequestsIdentifyTheServiceAndCarryFullSettings() {
        IpvsDestination d = new IpvsDestination(parse("192.168.77.12"), 8080, Forwarding.NAT, 5, 100, 10, null);
        NetlinkMessage m = asMessage(codec.request(new IpvsOperation.EditDestination(web.key(), d)));
        assertEquals(IpvsCodec.CMD_SET_DEST, GenericNetlink.command(m));
        Attributes top = GenericNetlink.attributes(m);
        Attributes s = top.nested(IpvsCodec.CMD_ATTR_SERVICE);
        assertFalse(s.has(IpvsCodec.SVC_ATTR_SCHED_NAME), "only the key identifies the service");
        Attributes da = top.nested(IpvsCodec.CMD_ATTR_DEST);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x90}, da.bytes(IpvsCodec.DEST_ATTR_PORT));
        assertEquals(0, da.u32(IpvsCodec.DEST_ATTR_FWD_METHOD));
        assertEquals(5, da.u32(IpvsCodec.DEST_ATTR_WEIGHT));
        assertEquals(100, da.u32(IpvsCodec.DEST_ATTR_U_THRESH));
        assertEquals(10, da.u32(IpvsCodec.DEST_ATTR_L_THRESH));
        assertEquals(2, da.u16(IpvsCodec.DEST_ATTR_ADDR_FAMILY));
        IpvsDestination back = codec.decodeDestination(m, AddressFamily.INET);
        assertEquals(d, back.settings());
        NetlinkMessage del = asMessage(codec.request(new IpvsOperation.DeleteDestination(web.key(), d.key())));
        assertEquals(IpvsCodec.CMD_DEL_DEST, GenericNetlink.command(del));
        assertFalse(GenericNetlink.attributes(del).nested(IpvsCodec.CMD_ATTR_DEST).has(IpvsCodec.DEST_ATTR_WEIGHT));
    }

    @Test
    void kernelDestinationReplyWithCountersAndSixteenByteAddressDecodes() {
        io.selfbalance.ipvs.netlink.AttributeWriter w = GenericNetlink.message(IpvsCodec.CMD_NEW_DEST, 1);
        int dn = w.beginNested(IpvsCodec.CMD_ATTR_DEST);
        byte[] addr = new byte[16];
        addr[0] = 10;
        addr[3] = 9;
        w.put(IpvsCodec.DEST_ATTR_ADDR, addr).putBe16(IpvsCodec.DEST_ATTR_PORT, 80)
                .putU32(IpvsCodec.DEST_ATTR_FWD_METHOD, 3).putU32(IpvsCodec.DEST_ATTR_WEIGHT, 4)
                .putU32(IpvsCodec.DEST_ATTR_U_THRESH, 0).putU32(IpvsCodec.DEST_ATTR_L_THRESH, 0)
                .putU32(IpvsCodec.DEST_ATTR_ACTIVE_CONNS, 12).putU32(IpvsCodec.DEST_ATTR_INACT_CONNS, 3)
                .putU32(IpvsCodec.DEST_ATTR_PERSIST_CONNS, 1).putU16(IpvsCodec.DEST_ATTR_ADDR_FAMILY, 2);
        int st = w.beginNested(IpvsCodec.DEST_ATTR_STATS64);
        w.putU64(1, 100).putU64(2, 2000).putU64(3, 1500).putU64(4, 1L << 33).putU64(5, 77).putU64(6, 1);
        w.endNested(st);
        w.endNested(dn);
        IpvsDestination d = codec.decodeDestination(new NetlinkMessage(0x22, 2, 1, 1, w.toByteArray()), AddressFamily.INET);
        assertEquals(parse("10.0.0.9"), d.address());
        assertEquals(Forwarding.DIRECT_ROUTE, d.forwarding());
        assertEquals(12, d.counters().activeConnections());
        assertEquals(3, d.counters().inactiveConnections());
        assertEquals(1, d.counters().persistentConnections());
        assertEquals(100, d.counters().stats().connections());
        assertEquals(1L << 33, d.counters().stats().inBytes());
        assertEquals(1, d.counters().stats().connectionsPerSecond());
    }

    @Test
    void kernelFlagsAreMaskedAndContiguousNetmasksRequired() {
        IpvsService s = new IpvsService(AddressFamily.INET, IpvsProtocol.TCP, parse("1.2.3.4"), 80, 0, "rr",
                IpvsService.HASHED | IpvsService.PERSISTENT, 10, 32);
        assertEquals(IpvsService.PERSISTENT, s.flags());
        assertEquals(0xFFFFFF00, IpvsCodec.prefixToMask(24));
        assertEquals(0, IpvsCodec.prefixToMask(0));
        assertEquals(24, IpvsCodec.maskToPrefix(0xFFFFFF00));
        assertThrows(io.selfbalance.ipvs.netlink.NetlinkFormatException.class, () -> IpvsCodec.maskToPrefix(0xFF00FF00));
    }

    @Test
    void valueTypesRejectBadInputNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpvsService.tcp(parse("1.2.3.4"), 70000, "wrr"));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IpvsService.tcp(parse("1.2.3.4"), 80, "Weighted RR"));
        assertTrue(e.getMessage().contains("Weighted RR"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IpvsDestination.directRoute(parse("1.2.3.4"), 80, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IpvsService(AddressFamily.INET6, IpvsProtocol.TCP,
                parse("1.2.3.4"), 80, 0, "rr", 0, 0, 128));
        assertThrows(IllegalArgumentException.class, () -> new IpvsService(AddressFamily.INET, IpvsProtocol.TCP,
                parse("1.2.3.4"), 80, 0, "rr", 0, 0, 33));
        assertThrows(IllegalArgumentException.class, () -> IpvsProtocol.of(1));
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> new IpvsTable(List.of(
                new IpvsTable.Entry(web, List.of()), new IpvsTable.Entry(web.withScheduler("rr"), List.of()))));
    }

    @Test
    void ipv6AddressesPrintShort() {
        assertEquals("fd77::1", Addresses.format(parse("fd77:0:0:0:0:0:0:1")));
        assertEquals("::", Addresses.format(parse("::")));
        assertEquals("1:0:2::3", Addresses.format(parse("1:0:2:0:0:0:0:3")));
        assertEquals("fe80::1:2", Addresses.format(parse("fe80::1:2")));
        assertEquals("TCP [fd77::1]:443", IpvsService.tcp(parse("fd77::1"), 443, "rr").key().toString());
    }
}
