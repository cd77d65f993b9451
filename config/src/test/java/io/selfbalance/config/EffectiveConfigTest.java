package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
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
        assertEquals(EffectiveConfig.Notify.NONE, e.notifyHooks());
        assertEquals(EffectiveConfig.Metrics.DEFAULT, e.metrics());
    }

    @Test
    void notifyHooksAndMetricsAsPlainRecords() {
        Map<String, String> m = SelfbalanceConfigLoaderTest.valid();
        m.put("selfbalance.notify.master", "/etc/selfbalance/notify.sh,master");
        m.put("selfbalance.notify.stop", "/etc/selfbalance/notify.sh,stop,a\\,b");
        m.put("selfbalance.notify.notify", "/usr/local/bin/keepalived-state-file");
        m.put("selfbalance.notify.timeout", "5s");
        m.put("selfbalance.notify.queue-capacity", "16");
        m.put("selfbalance.metrics.path", "/metrics");
        m.put("selfbalance.metrics.local-only", "false");
        EffectiveConfig e = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(m), IpAddresses.parseLiteral("192.168.77.11"), 8080);
        EffectiveConfig.Notify notify = e.notifyHooks();
        assertEquals(new EffectiveConfig.Notify(List.of("/etc/selfbalance/notify.sh", "master"), List.of(), List.of(),
                List.of("/etc/selfbalance/notify.sh", "stop", "a,b"), List.of("/usr/local/bin/keepalived-state-file"),
                Duration.ofSeconds(5), 16), notify);
        // keyed by configuration key, every hook present, in keepalived's order: what the composition maps to ops' hooks
        assertEquals(List.of("selfbalance.notify.master", "selfbalance.notify.backup", "selfbalance.notify.fault",
                "selfbalance.notify.stop", "selfbalance.notify.notify"), List.copyOf(notify.commandsByKey().keySet()));
        assertEquals(List.of(), notify.commandsByKey().get("selfbalance.notify.backup"));
        assertEquals(List.of("/usr/local/bin/keepalived-state-file"), notify.commandsByKey().get("selfbalance.notify.notify"));
        assertEquals(new EffectiveConfig.Metrics(true, "/metrics", false), e.metrics());

        Map<String, String> printed = e.asProperties();
        assertEquals("/etc/selfbalance/notify.sh,stop,a\\,b", printed.get("selfbalance.notify.stop"));
        assertEquals("", printed.get("selfbalance.notify.backup"));
        assertEquals("5s", printed.get("selfbalance.notify.timeout"));
        assertEquals("16", printed.get("selfbalance.notify.queue-capacity"));
        assertEquals("true", printed.get("selfbalance.metrics.enabled"));
        assertEquals("/metrics", printed.get("selfbalance.metrics.path"));
        assertEquals("false", printed.get("selfbalance.metrics.local-only"));
    }

    @Test
    void theConstructorWithoutObservabilityUsesTheDefaults() {
        EffectiveConfig full = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(SelfbalanceConfigLoaderTest.valid()),
                IpAddresses.parseLiteral("192.168.77.11"), 8080);
        EffectiveConfig byHand = new EffectiveConfig(full.networkInterface(), full.address(), full.routers(), full.services(),
                full.nodes(), full.health(), full.drainTime(), full.vipLifetime(), full.status());
        assertEquals(full, byHand);
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
        m.put("selfbalance.notify.fault", "/opt/hooks/fault,a\\,b,back\\\\slash, spaced\\ ,\\  lead\\ ,\\ ");
        m.put("selfbalance.notify.timeout", "PT90S");
        EffectiveConfig e = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(m), IpAddresses.parseLiteral("192.168.77.11"), 8080);
        String text = e.toString();
        assertTrue(text.contains("selfbalance.routers.main.advert-interval=500ms\n"), text);
        assertTrue(text.contains("selfbalance.services.http.port=8080\n"), text);
        assertTrue(text.contains("selfbalance.nodes.node2.health-url=http://192.168.77.12:8080/health/ready\n"), text);
        assertTrue(text.startsWith("selfbalance.address=192.168.77.11\n"), text);
        assertTrue(text.contains("selfbalance.notify.timeout=90s\n"), text);
        assertEquals(List.of("/opt/hooks/fault", "a,b", "back\\slash", "spaced ", "  lead ", " "), e.notifyHooks().fault());
        // everything printed loads back to the same effective configuration
        Map<String, String> printed = new java.util.HashMap<>(e.asProperties());
        printed.values().removeIf(String::isEmpty);
        EffectiveConfig again = EffectiveConfig.resolve(SelfbalanceConfigLoaderTest.loadJetty(printed), IpAddresses.parseLiteral("192.168.77.99"), 9999);
        assertEquals(e, again);
    }
}
