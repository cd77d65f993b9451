package io.selfbalance.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Error paths of the raw transport that need no namespace: messages name the call; no fd leaks. */
class LinuxRawTransportErrorsTest {

    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void unknownInterfaceNamesTheCall() {
        LinuxRawTransport t = new LinuxRawTransport("nosuchif0", IpFamily.IPV4, InetAddress.getLoopbackAddress(), true);
        VrrpTransportException e = assertThrows(VrrpTransportException.class, () -> t.start(d -> { }, x -> { }));
        assertTrue(e.getMessage().startsWith("if_nametoindex(\"nosuchif0\") failed: errno 19"), e.getMessage());
        assertEquals(19, e.errno());
        t.close();
    }

    @Test
    void primaryAddressOfMissingInterface() {
        VrrpTransportException e = assertThrows(VrrpTransportException.class,
                () -> LinuxRawTransport.primaryAddressOf("nosuchif0", IpFamily.IPV4));
        assertEquals("interface nosuchif0 does not exist", e.getMessage());
    }

    @Test
    void failedSetupClosesEverySocketItOpened() throws Exception {
        // bind to an address lo does not have: fails after both sockets exist (or socket() itself
        // fails without CAP_NET_RAW); either way the message names the call and no fd stays open
        InetAddress foreign = InetAddress.getByName("192.0.2.77");
        // warm up: loading libc through jnr-ffi opens files of its own once
        LinuxRawTransport warm = new LinuxRawTransport("lo", IpFamily.IPV4, foreign, true);
        assertThrows(VrrpTransportException.class, () -> warm.start(d -> { }, x -> { }));
        int before = openFds();
        for (int i = 0; i < 20; i++) {
            LinuxRawTransport t = new LinuxRawTransport("lo", IpFamily.IPV4, foreign, true);
            VrrpTransportException e = assertThrows(VrrpTransportException.class, () -> t.start(d -> { }, x -> { }));
            assertTrue(e.getMessage().startsWith("bind(send fd ") || e.getMessage().startsWith("socket(AF_INET, SOCK_RAW, 112)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("errno"), e.getMessage());
            t.close();
        }
        assertEquals(before, openFds(), "file descriptors before and after 20 failed starts");
    }
}
