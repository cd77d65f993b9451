package io.selfbalance.ipvs.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.Addresses;
import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RouteNetlinkCodecTest {

    @Test
    void addressWithFiniteLifetimeCarriesCacheInfoAndRoundTrips() {
        InterfaceAddress a = InterfaceAddress.of(3, Addresses.parse("192.168.77.21"), 24, AddressScope.UNIVERSE,
                new AddressLifetime(30, 20));
        NetlinkRequest r = RouteNetlinkCodec.newAddress(a, false);
        assertEquals(20, r.type());
        assertEquals(Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, r.flags());
        ByteBuffer h = ByteBuffer.wrap(r.payload()).order(ByteOrder.nativeOrder());
        assertEquals(2, h.get(0));
        assertEquals(24, h.get(1));
        assertEquals(0, h.get(3));
        assertEquals(3, h.getInt(4));
        Attributes at = Attributes.parse(r.payload(), 8, r.payload().length - 8);
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 77, 21}, at.bytes(RouteNetlinkCodec.IFA_LOCAL));
        ByteBuffer ci = ByteBuffer.wrap(at.bytes(RouteNetlinkCodec.IFA_CACHEINFO)).order(ByteOrder.nativeOrder());
        assertEquals(20, ci.getInt(0)); // preferred first, then valid
        assertEquals(30, ci.getInt(4));
        InterfaceAddress back = RouteNetlinkCodec.decodeAddress(new NetlinkMessage(20, 0, 1, 1, r.payload()));
        assertEquals(a, back);
        NetlinkRequest refresh = RouteNetlinkCodec.newAddress(a, true);
        assertEquals(Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, refresh.flags());
        assertTrue(refresh.operation().startsWith("refresh address 192.168.77.21/24"));
    }

    @Test
    void permanentHostScopeIpv6AddressHasNoCacheInfoAndSkipsDad() {
        InterfaceAddress a = InterfaceAddress.of(1, Addresses.parse("fd77::fe"), 128, AddressScope.HOST, AddressLifetime.FOREVER);
        NetlinkRequest r = RouteNetlinkCodec.newAddress(a, false);
        ByteBuffer h = ByteBuffer.wrap(r.payload()).order(ByteOrder.nativeOrder());
        assertEquals(10, h.get(0));
        assertEquals((byte) 128, h.get(1));
        assertEquals((byte) 254, h.get(3));
        Attributes at = Attributes.parse(r.payload(), 8, r.payload().length - 8);
        assertFalse(at.has(RouteNetlinkCodec.IFA_CACHEINFO));
        assertFalse(at.has(RouteNetlinkCodec.IFA_LOCAL));
        assertEquals(InterfaceAddress.IFA_F_NODAD, at.u32(RouteNetlinkCodec.IFA_FLAGS));
        NetlinkRequest del = RouteNetlinkCodec.deleteAddress(a);
        assertEquals(21, del.type());
    }

    @Test
    void linkLookupByNameAndDecode() {
        NetlinkRequest r = RouteNetlinkCodec.getLink("eth0");
        assertEquals(18, r.type());
        assertEquals("eth0", Attributes.parse(r.payload(), 16, r.payload().length - 16).string(RouteNetlinkCodec.IFLA_IFNAME));
        byte[] ifinfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).put((byte) 0).put((byte) 0)
                .putShort((short) 1).putInt(7).putInt(0x1043).putInt(0).array();
        byte[] payload = new io.selfbalance.ipvs.netlink.AttributeWriter().header(ifinfo)
                .put(RouteNetlinkCodec.IFLA_ADDRESS, new byte[] {2, 0x42, 0, 0, 0, 1})
                .putString(RouteNetlinkCodec.IFLA_IFNAME, "eth0").putU32(RouteNetlinkCodec.IFLA_MTU, 1500).toByteArray();
        LinkInfo l = RouteNetlinkCodec.decodeLink(new NetlinkMessage(16, 0, 1, 1, payload));
        assertEquals(7, l.index());
        assertEquals("02:42:00:00:00:01", l.mac());
        assertEquals(1500, l.mtu());
        assertTrue(l.isUp());
        assertThrows(IllegalArgumentException.class, () -> RouteNetlinkCodec.getLink("a/b"));
        assertThrows(IllegalArgumentException.class, () -> RouteNetlinkCodec.getLink("sixteen-chars-xx"));
    }

    @Test
    void valuesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.of(1, Addresses.parse("1.2.3.4"), 33,
                AddressScope.HOST, AddressLifetime.FOREVER));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.of(0, Addresses.parse("1.2.3.4"), 32,
                AddressScope.HOST, AddressLifetime.FOREVER));
        assertThrows(IllegalArgumentException.class, () -> new AddressLifetime(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new AddressLifetime(0, 0));
    }
}
