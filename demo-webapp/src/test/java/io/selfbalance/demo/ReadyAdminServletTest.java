package io.selfbalance.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadyAdminServletTest {

    @Test
    void loopbackAddressesAccepted() {
        assertTrue(ReadyAdminServlet.isLoopback("127.0.0.1"));
        assertTrue(ReadyAdminServlet.isLoopback("127.8.9.10"));
        assertTrue(ReadyAdminServlet.isLoopback("::1"));
        assertTrue(ReadyAdminServlet.isLoopback("[::1]"));
        assertTrue(ReadyAdminServlet.isLoopback("0:0:0:0:0:0:0:1"));
    }

    @Test
    void otherAddressesAndNamesRejected() {
        assertFalse(ReadyAdminServlet.isLoopback("192.168.77.10"));
        assertFalse(ReadyAdminServlet.isLoopback("fd77::10"));
        assertFalse(ReadyAdminServlet.isLoopback("10.0.0.1"));
        assertFalse(ReadyAdminServlet.isLoopback("localhost")); // a name is never resolved
        assertFalse(ReadyAdminServlet.isLoopback(""));
        assertFalse(ReadyAdminServlet.isLoopback(null));
        assertFalse(ReadyAdminServlet.isLoopback("999.1.1.1"));
    }
}
