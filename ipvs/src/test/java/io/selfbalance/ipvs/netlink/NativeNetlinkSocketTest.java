package io.selfbalance.ipvs.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The real socket against the host kernel (no IPVS here, but generic netlink and its controller exist). */
class NativeNetlinkSocketTest {

    @Test
    void resolvesARealGenericNetlinkFamilyOnTheHostKernel() {
        try (NetlinkConnection c = NetlinkConnection.open(Netlink.NETLINK_GENERIC)) {
            assertTrue(c.portId() != 0);
            GenericNetlink.Family ctrl = GenericNetlink.resolve(c, "nlctrl");
            assertEquals(GenericNetlink.GENL_ID_CTRL, ctrl.id());
            NetlinkException e = assertThrows(NetlinkException.class, () -> GenericNetlink.resolve(c, "NO_SUCH_FAM"));
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    void closedSocketRefusesUse() {
        NativeNetlinkSocket s = NativeNetlinkSocket.open(Netlink.NETLINK_ROUTE, Duration.ofSeconds(1));
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.send(new byte[16], 16));
    }

    @Test
    void badProtocolNamesTheCallAndArgument() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> NativeNetlinkSocket.open(9999, Duration.ofSeconds(1)));
        assertEquals("socket", e.call());
        assertTrue(e.getMessage().contains("protocol 9999"), e.getMessage());
    }
}
