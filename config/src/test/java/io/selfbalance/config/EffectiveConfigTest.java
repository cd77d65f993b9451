package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EffectiveConfigTest {

    @Test
    void fillsInTheRunTimeDefaults() {
        SelfbalanceConfig c = SelfbalanceConfigLoaderTest.loadJetty(SelfbalanceConfigLoaderTest.valid());
        EffectiveConfig e = EffectiveConfig.resolve(c, IpAddresses.parseLiteral("192.168.77.12"), 8080);
        assertEquals(IpAddresses.parseLiteral("192.168.77.12"), e.address());
        assertEquals("node2", e.self().name());
        assertEquals(List.of(new EffectiveConfig.Service("http", ServiceProtocol.TCP, 8080, "wrr", Forwarding.DR)), e.services());
        assertEquals(URI.create("http://192.168.77.13:8080/health/ready"), e.nodes().get(2).healthUrl());
        assertFalse(e.nodes().get(0).self());
        assertTrue(e.nodes().get(1).self());
        assertEquals(51, e.routers().get(0).vrid());
        assertTrue(e.routers().get(0).unicastPeers().isEmpty());
    }

    @Test
    void ipv6HealthUrlsUseBrackets() {
        Map<String, String> m = SelfbalanceConfigLoaderTest.valid();
        m.put("selfbalance.routers.main.vips", "fd77::254/64");
        m.put("selfbalance.nodes.node1.address", "fd77::11");
        m.put("selfbalance.nodes.node2.address", "fd77::12");
        m.put("selfbalance.nodes.node3.address", "fd77::13");
        EffectiveConfig e = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(m), IpAddresses.parseLiteral("fd77::11"), 8080);
        assertEquals(URI.create("http://[fd77::11]:8080/health/ready"), e.self().healthUrl());
        assertTrue(e.routers().get(0).isIpv6());
    }

    @Test
    void thisNodeMustBeOneOfTheNodes() {
        SelfbalanceConfig c = SelfbalanceConfigLoaderTest.loadJetty(SelfbalanceConfigLoaderTest.valid());
        ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> EffectiveConfig.resolve(c, IpAddresses.parseLiteral("192.168.77.99"), 8080));
        assertEquals(List.of("selfbalance.address=192.168.77.99: this node (the primary address of eth0, as selfbalance.address is not set) is not one of the nodes; add selfbalance.nodes.<name>.address=192.168.77.99 or set selfbalance.address to this node's entry"),
                ex.problems());
    }

    @Test
    void configuredAddressWinsOverTheInterfaceAddress() {
        Map<String, String> m = SelfbalanceConfigLoaderTest.valid();
        m.put("selfbalance.address", "192.168.77.13");
        EffectiveConfig e = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(m), IpAddresses.parseLiteral("192.168.77.99"), 8080);
        assertEquals("node3", e.self().name());
    }

    @Test
    void printsTheEffectiveConfigurationInUserKeys() {
        Map<String, String> m = SelfbalanceConfigLoaderTest.valid();
        m.put("selfbalance.routers.main.advert-interval", "PT0.5S");
        EffectiveConfig e = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(m), IpAddresses.parseLiteral("192.168.77.11"), 8080);
        String text = e.toString();
        assertTrue(text.contains("selfbalance.routers.main.advert-interval=500ms\n"), text);
        assertTrue(text.contains("selfbalance.services.http.port=8080\n"), text);
        assertTrue(text.contains("selfbalance.nodes.node2.health-url=http://192.168.77.12:8080/health/ready\n"), text);
        assertTrue(text.startsWith("selfbalance.address=192.168.77.11\n"), text);
        // everything printed loads back to the same effective configuration
        Map<String, String> printed = new java.util.HashMap<>(e.asProperties());
        printed.values().removeIf(String::isEmpty);
        EffectiveConfig again = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(printed), IpAddresses.parseLiteral("192.168.77.99"), 9999);
        assertEquals(e, again);
    }
}
