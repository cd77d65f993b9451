package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    @ParameterizedTest
    @CsvSource({
            "192.168.77.254/24, 192.168.77.254/24, false",
            "fd77::254/64, fd77::254/64, true",
            "FD77:0:0:0:0:0:0:254/64, fd77::254/64, true",
            "10.0.0.1/32, 10.0.0.1/32, false",
            "::/0, ::/0, true",
            "2001:db8:0:1:0:0:0:1/128, 2001:db8:0:1::1/128, true",
    })
    void parsesAndPrintsCanonically(String text, String printed, boolean ipv6) {
        IpPrefix p = IpPrefix.parse(text);
        assertEquals(printed, p.toString());
        assertEquals(ipv6, p.isIpv6());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "192.168.77.254|not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64",
            "example.com/24|not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64",
            "256.1.1.1/24|not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64",
            "192.168.77.254/33|prefix length must be 0..32 for an IPv4 address",
            "fd77::1/129|prefix length must be 0..128 for an IPv6 address",
            "fd77::1/x|prefix length must be 0..128 for an IPv6 address",
            "fe80::1%eth0/64|not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64",
    })
    void rejectsBadPrefixes(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text)).getMessage());
    }

    @Test
    void containment() {
        IpPrefix net = IpPrefix.parse("192.168.77.11/24");
        assertTrue(net.contains(IpAddresses.parseLiteral("192.168.77.254")));
        assertFalse(net.contains(IpAddresses.parseLiteral("192.168.78.1")));
        assertFalse(net.contains(IpAddresses.parseLiteral("fd77::1")));
        IpPrefix odd = IpPrefix.parse("10.0.0.0/21");
        assertTrue(odd.contains(IpAddresses.parseLiteral("10.0.7.255")));
        assertFalse(odd.contains(IpAddresses.parseLiteral("10.0.8.0")));
        assertTrue(IpPrefix.parse("fd77::1/64").contains(IpAddresses.parseLiteral("fd77::ffff:1")));
    }
}
