package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelfbalanceConfigLoaderTest {

    /** A complete, valid three-node configuration. */
    static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("selfbalance.interface", "eth0");
        m.put("selfbalance.routers.main.vrid", "51");
        m.put("selfbalance.routers.main.vips", "192.168.77.254/24");
        m.put("selfbalance.nodes.node1.address", "192.168.77.11");
        m.put("selfbalance.nodes.node2.address", "192.168.77.12");
        m.put("selfbalance.nodes.node3.address", "192.168.77.13");
        return m;
    }

    static SelfbalanceConfig loadJetty(Map<String, String> jetty) {
        return SelfbalanceConfigLoader.load(jetty, Optional.empty(), Map.of(), new Properties());
    }

    /** The problems reported when the valid configuration gets these extra keys. */
    static List<String> problemsWith(String... keyValues) {
        Map<String, String> m = valid();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                m.remove(keyValues[i]);
            } else {
                m.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return assertThrows(ConfigurationException.class, () -> loadJetty(m)).problems();
    }

    @Test
    void defaults() {
        SelfbalanceConfig c = loadJetty(valid());
        assertEquals("eth0", c.networkInterface());
        assertTrue(c.address().isEmpty());
        SelfbalanceConfig.Router r = c.routers().get("main");
        assertEquals(51, r.vrid());
        assertEquals(List.of(IpPrefix.parse("192.168.77.254/24")), r.vips());
        assertEquals(100, r.priority());
        assertEquals(3, r.version());
        assertEquals(Duration.ofSeconds(1), r.advertInterval());
        assertTrue(r.preempt());
        assertEquals(Duration.ZERO, r.preemptDelay());
        assertTrue(r.unicastPeers().isEmpty());
        assertEquals(V3Checksum.RFC5798, r.v3Checksum());
        assertEquals(5, r.garp().repeat());
        assertEquals(Duration.ofMillis(200), r.garp().delay());
        assertEquals(Duration.ZERO, r.garp().refresh());
        assertTrue(c.services().isEmpty());
        SelfbalanceConfig.Node n = c.nodes().get("node1");
        assertEquals(IpAddresses.parseLiteral("192.168.77.11"), n.address());
        assertEquals(1, n.weight());
        assertTrue(n.healthUrl().isEmpty());
        assertEquals(Duration.ofSeconds(1), c.health().probeInterval());
        assertEquals(Duration.ofMillis(500), c.health().probeTimeout());
        assertEquals(2, c.health().rise());
        assertEquals(3, c.health().fall());
        assertEquals(Duration.ofSeconds(1), c.health().localInterval());
        assertEquals(ResignOn.ANY, c.health().resignOn());
        assertEquals(Duration.ofSeconds(10), c.drainTime());
        assertEquals(Duration.ofSeconds(30), c.vipLifetime());
        assertTrue(c.status().enabled());
        assertEquals("/selfbalance/status", c.status().path());
        assertTrue(c.status().localOnly());
        SelfbalanceConfig.Notify notify = c.notifyHooks();
        assertTrue(notify.master().isEmpty());
        assertTrue(notify.backup().isEmpty());
        assertTrue(notify.fault().isEmpty());
        assertTrue(notify.stop().isEmpty());
        assertTrue(notify.everyChange().isEmpty());
        assertEquals(Duration.ofSeconds(10), notify.timeout());
        assertEquals(64, notify.queueCapacity());
        assertTrue(c.metrics().enabled());
        assertEquals("/selfbalance/metrics", c.metrics().path());
        assertTrue(c.metrics().localOnly());
    }

    @Test
    void everyKeySetExplicitly() {
        Map<String, String> m = valid();
        m.put("selfbalance.address", "192.168.77.11");
        m.put("selfbalance.routers.main.priority", "254");
        m.put("selfbalance.routers.main.version", "2");
        m.put("selfbalance.routers.main.advert-interval", "3s");
        m.put("selfbalance.routers.main.preempt", "false");
        m.put("selfbalance.routers.main.preempt-delay", "PT30S");
        m.put("selfbalance.routers.main.unicast-peers", "192.168.77.12, 192.168.77.13");
        m.put("selfbalance.routers.main.v3-checksum", "RFC9568");
        m.put("selfbalance.routers.main.garp.repeat", "3");
        m.put("selfbalance.routers.main.garp.delay", "1s");
        m.put("selfbalance.routers.main.garp.refresh", "1m");
        m.put("selfbalance.services.api.protocol", "tcp");
        m.put("selfbalance.services.api.port", "8443");
        m.put("selfbalance.services.api.scheduler", "wlc");
        m.put("selfbalance.services.api.forwarding", "dr");
        m.put("selfbalance.nodes.node2.weight", "0");
        m.put("selfbalance.nodes.node3.health-url", "http://192.168.77.13:9090/ready");
        m.put("selfbalance.health.probe-interval", "2s");
        m.put("selfbalance.health.probe-timeout", "2s");
        m.put("selfbalance.health.rise", "1");
        m.put("selfbalance.health.fall", "100");
        m.put("selfbalance.health.local-interval", "250ms");
        m.put("selfbalance.health.resign-on", "liveness");
        m.put("selfbalance.drain-time", "0s");
        m.put("selfbalance.vip-lifetime", "1h");
        m.put("selfbalance.status.enabled", "false");
        m.put("selfbalance.status.path", "/lb");
        m.put("selfbalance.status.local-only", "false");
        m.put("selfbalance.notify.master", "/etc/selfbalance/notify.sh, master");
        m.put("selfbalance.notify.backup", "/etc/selfbalance/notify.sh,backup,a\\,b, c\\\\d ,,");
        m.put("selfbalance.notify.fault", "/usr/bin/logger");
        m.put("selfbalance.notify.stop", "/bin/sh,-c,echo $HOME ${USER} > /tmp/x; rm -rf '/' \"quoted\"");
        m.put("selfbalance.notify.notify", "/usr/local/bin/keepalived-state-file");
        m.put("selfbalance.notify.timeout", "1h");
        m.put("selfbalance.notify.queue-capacity", "10000");
        m.put("selfbalance.metrics.enabled", "false");
        m.put("selfbalance.metrics.path", "/metrics");
        m.put("selfbalance.metrics.local-only", "false");
        SelfbalanceConfig c = loadJetty(m);
        SelfbalanceConfig.Router r = c.routers().get("main");
        assertEquals(Optional.of(IpAddresses.parseLiteral("192.168.77.11")), c.address());
        assertEquals(254, r.priority());
        assertEquals(2, r.version());
        assertEquals(Duration.ofSeconds(3), r.advertInterval());
        assertFalse(r.preempt());
        assertEquals(Duration.ofSeconds(30), r.preemptDelay());
        assertEquals(List.of(IpAddresses.parseLiteral("192.168.77.12"), IpAddresses.parseLiteral("192.168.77.13")),
                r.unicastPeers().orElseThrow());
        assertEquals(V3Checksum.RFC9568, r.v3Checksum());
        assertEquals(3, r.garp().repeat());
        assertEquals(Duration.ofSeconds(1), r.garp().delay());
        assertEquals(Duration.ofMinutes(1), r.garp().refresh());
        SelfbalanceConfig.VirtualService s = c.services().get("api");
        assertEquals(ServiceProtocol.TCP, s.protocol());
        assertEquals(OptionalInt.of(8443), s.port());
        assertEquals("wlc", s.scheduler());
        assertEquals(Forwarding.DR, s.forwarding());
        assertEquals(0, c.nodes().get("node2").weight());
        assertEquals("http://192.168.77.13:9090/ready", c.nodes().get("node3").healthUrl().orElseThrow().toString());
        assertEquals(Duration.ofSeconds(2), c.health().probeTimeout());
        assertEquals(1, c.health().rise());
        assertEquals(100, c.health().fall());
        assertEquals(Duration.ofMillis(250), c.health().localInterval());
        assertEquals(ResignOn.LIVENESS, c.health().resignOn());
        assertEquals(Duration.ZERO, c.drainTime());
        assertEquals(Duration.ofHours(1), c.vipLifetime());
        assertFalse(c.status().enabled());
        assertEquals("/lb", c.status().path());
        assertFalse(c.status().localOnly());
        SelfbalanceConfig.Notify notify = c.notifyHooks();
        assertEquals(List.of("/etc/selfbalance/notify.sh", "master"), notify.master().orElseThrow());
        // "\," is a comma inside an argument, "\\" a backslash; elements are trimmed, empty ones dropped
        assertEquals(List.of("/etc/selfbalance/notify.sh", "backup", "a,b", "c\\d"), notify.backup().orElseThrow());
        assertEquals(List.of("/usr/bin/logger"), notify.fault().orElseThrow());
        // nothing is expanded or interpreted: the program gets exactly these strings
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME ${USER} > /tmp/x; rm -rf '/' \"quoted\""), notify.stop().orElseThrow());
        assertEquals(List.of("/usr/local/bin/keepalived-state-file"), notify.everyChange().orElseThrow());
        assertEquals(Duration.ofHours(1), notify.timeout());
        assertEquals(10000, notify.queueCapacity());
        assertFalse(c.metrics().enabled());
        assertEquals("/metrics", c.metrics().path());
        assertFalse(c.metrics().localOnly());
    }

    @Test
    void listsSplitAtUnescapedCommasAndKeepEscapes() {
        assertEquals(List.of("/a", "b\\,c", "d\\\\", "e\\ ", ""), SelfbalanceConfigLoader.splitList(" /a , b\\,c ,d\\\\, e\\  ,"));
        Map<String, String> m = valid();
        m.put("selfbalance.notify.master", "/bin/echo,trailing\\ ,x");
        assertEquals(List.of("/bin/echo", "trailing ", "x"), loadJetty(m).notifyHooks().master().orElseThrow());
    }

    // ---- precedence: system properties > environment > Jetty properties > selfbalance.properties

    @Test
    void precedenceOfTheFourSources(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("selfbalance.properties");
        Files.writeString(file, "selfbalance.routers.main.priority=10\nselfbalance.health.rise=4\n");
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.routers.main.priority", "20");
        Map<String, String> env = Map.of("SELFBALANCE_ROUTERS_MAIN_PRIORITY", "30");
        Properties sys = new Properties();
        sys.setProperty("selfbalance.routers.main.priority", "40");

        assertEquals(40, priority(jetty, file, env, sys));
        assertEquals(30, priority(jetty, file, env, new Properties()));
        assertEquals(20, priority(jetty, file, Map.of(), new Properties()));
        Map<String, String> jettyWithout = valid();
        assertEquals(10, priority(jettyWithout, file, Map.of(), new Properties()));
        assertEquals(100, priority(jettyWithout, dir.resolve("absent.properties"), Map.of(), new Properties()));

        SelfbalanceConfigLoader.Loaded loaded = SelfbalanceConfigLoader.loadWithSources(jetty, Optional.of(file), env, sys);
        assertEquals("system properties", loaded.origins().get("selfbalance.routers.main.priority"));
        assertEquals("file " + file, loaded.origins().get("selfbalance.health.rise"));
        assertEquals(4, loaded.config().health().rise());
    }

    private static int priority(Map<String, String> jetty, Path file, Map<String, String> env, Properties sys) {
        return SelfbalanceConfigLoader.load(jetty, Optional.of(file), env, sys).routers().get("main").priority();
    }

    @Test
    void aHigherSourceFixesABadValueOfALowerOne() {
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.routers.main.priority", "300");
        Properties sys = new Properties();
        sys.setProperty("selfbalance.routers.main.priority", "120");
        assertEquals(120, SelfbalanceConfigLoader.load(jetty, Optional.empty(), Map.of(), sys).routers().get("main").priority());
    }

    @Test
    void environmentVariablesMapToKeysAndToEntryNamesUsedElsewhere() {
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.routers.web-v6.vrid", "51");
        jetty.put("selfbalance.routers.web-v6.vips", "fd77::254/64");
        jetty.put("selfbalance.nodes.node1-v6.address", "fd77::11");
        Map<String, String> env = new HashMap<>();
        env.put("SELFBALANCE_ROUTERS_MAIN_ADVERT_INTERVAL", "100ms");
        env.put("SELFBALANCE_ROUTERS_MAIN_GARP_REPEAT", "7");
        env.put("SELFBALANCE_ROUTERS_WEB_V6_PRIORITY", "150");
        env.put("SELFBALANCE_HEALTH_RESIGN_ON", "never");
        env.put("SELFBALANCE_NODES_NODE4_ADDRESS", "192.168.77.14");
        env.put("SELFBALANCE_NOTIFY_MASTER", "/etc/selfbalance/notify.sh,master");
        env.put("SELFBALANCE_NOTIFY_NOTIFY", "/usr/local/bin/keepalived-state-file");
        env.put("SELFBALANCE_NOTIFY_TIMEOUT", "2500ms");
        env.put("SELFBALANCE_NOTIFY_QUEUE_CAPACITY", "8");
        env.put("SELFBALANCE_METRICS_ENABLED", "false");
        env.put("SELFBALANCE_METRICS_PATH", "/prometheus");
        env.put("SELFBALANCE_METRICS_LOCAL_ONLY", "false");
        env.put("PATH", "/usr/bin");
        env.put("SELFBALANCEX", "ignored: not our prefix");
        SelfbalanceConfig c = SelfbalanceConfigLoader.load(jetty, Optional.empty(), env, new Properties());
        assertEquals(Duration.ofMillis(100), c.routers().get("main").advertInterval());
        assertEquals(7, c.routers().get("main").garp().repeat());
        assertEquals(150, c.routers().get("web-v6").priority());
        assertEquals(ResignOn.NEVER, c.health().resignOn());
        assertEquals(IpAddresses.parseLiteral("192.168.77.14"), c.nodes().get("node4").address());
        assertEquals(List.of("/etc/selfbalance/notify.sh", "master"), c.notifyHooks().master().orElseThrow());
        assertEquals(List.of("/usr/local/bin/keepalived-state-file"), c.notifyHooks().everyChange().orElseThrow());
        assertEquals(Duration.ofMillis(2500), c.notifyHooks().timeout());
        assertEquals(8, c.notifyHooks().queueCapacity());
        assertFalse(c.metrics().enabled());
        assertEquals("/prometheus", c.metrics().path());
        assertFalse(c.metrics().localOnly());
    }

    @Test
    void aBadNotifyOrMetricsValueFromTheEnvironmentNamesTheVariable() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SelfbalanceConfigLoader.load(valid(),
                Optional.empty(), Map.of("SELFBALANCE_NOTIFY_QUEUE_CAPACITY", "0", "SELFBALANCE_METRICS_PATH", "/selfbalance/status",
                        "SELFBALANCE_NOTIFY_STOP", "notify.sh"), new Properties()));
        assertEquals(List.of(
                "selfbalance.metrics.path=/selfbalance/status: must differ from selfbalance.status.path (/selfbalance/status), where the status JSON is served (set by SELFBALANCE_METRICS_PATH in the environment)",
                "selfbalance.notify.queue-capacity=0: must be 1..10000 (set by SELFBALANCE_NOTIFY_QUEUE_CAPACITY in the environment)",
                "selfbalance.notify.stop=notify.sh: 'notify.sh' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master (set by SELFBALANCE_NOTIFY_STOP in the environment)"),
                e.problems());
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SelfbalanceConfigLoader.load(valid(),
                Optional.empty(), Map.of("SELFBALANCE_ROUTERS_MAIN_PRIORITY", "300"), new Properties()));
        assertEquals(List.of("selfbalance.routers.main.priority=300: must be 1..254 (255 is reserved for the address owner)"
                + " (set by SELFBALANCE_ROUTERS_MAIN_PRIORITY in the environment)"), e.problems());
    }

    @Test
    void everyKeyHasAnEnvironmentForm() {
        for (KeyCatalog.Key key : SelfbalanceConfigLoader.CATALOG.keys()) {
            for (String name : List.of("main", "node1", "web_2")) {
                String dotted = key.pattern().replace("*", name);
                String variable = KeyCatalog.toEnvName(dotted);
                Map<String, String> byKey = new HashMap<>();
                List<Problem> problems = new java.util.ArrayList<>();
                Map<String, String> translated = SelfbalanceConfigLoader.translateEnvironment(
                        Map.of(variable, "v"), java.util.Set.of(), byKey, problems);
                assertEquals(Map.of(dotted, "v"), translated, variable);
                assertEquals(List.of(), problems, variable);
                assertEquals(variable, byKey.get(dotted));
            }
        }
    }

    // ---- unknown keys, from every source

    @Test
    void unknownKeysFromEverySourceAreErrorsWithASuggestion(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("selfbalance.properties");
        Files.writeString(file, "selfbalance.helth.rise=2\n");
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.routers.main.prority", "120");
        jetty.put("jetty.http.port", "8080"); // not ours: ignored
        Map<String, String> env = Map.of("SELFBALANCE_ROUTERS_MAIN_ADVERT_INTRVAL", "1s", "SELFBALANCE_BOGUS", "x");
        Properties sys = new Properties();
        sys.setProperty("selfbalance.drain-tme", "5s");
        sys.setProperty("user.home", "/root");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SelfbalanceConfigLoader.load(jetty, Optional.of(file), env, sys));
        assertEquals(List.of(
                "SELFBALANCE_BOGUS=x: unknown key (in the environment)",
                "SELFBALANCE_ROUTERS_MAIN_ADVERT_INTRVAL=1s: unknown key (in the environment); did you mean SELFBALANCE_ROUTERS_MAIN_ADVERT_INTERVAL?",
                "selfbalance.drain-tme=5s: unknown key (in system properties); did you mean selfbalance.drain-time?",
                "selfbalance.helth.rise=2: unknown key (in file " + file + "); did you mean selfbalance.health.rise?",
                "selfbalance.routers.main.prority=120: unknown key (in Jetty properties: start.d/*.ini or the start.jar command line); did you mean selfbalance.routers.main.priority?"),
                e.problems());
    }

    @Test
    void misspeltNotifyAndMetricsKeysAreUnknownWithASuggestion() {
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.notify.mastr", "/bin/true");
        jetty.put("selfbalance.notify_master", "/bin/true");
        jetty.put("selfbalance.notify.notify.timeout", "1s");
        jetty.put("selfbalance.metrics.local_only", "false");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SelfbalanceConfigLoader.load(jetty,
                Optional.empty(), Map.of("SELFBALANCE_NOTIFY_QUEUE_CAPACTY", "1", "SELFBALANCE_METRIC_PATH", "/m"), new Properties()));
        String jettySource = " (in Jetty properties: start.d/*.ini or the start.jar command line)";
        assertEquals(List.of(
                "SELFBALANCE_METRIC_PATH=/m: unknown key (in the environment); did you mean SELFBALANCE_METRICS_PATH?",
                "SELFBALANCE_NOTIFY_QUEUE_CAPACTY=1: unknown key (in the environment); did you mean SELFBALANCE_NOTIFY_QUEUE_CAPACITY?",
                "selfbalance.metrics.local_only=false: unknown key" + jettySource + "; did you mean selfbalance.metrics.local-only?",
                "selfbalance.notify.mastr=/bin/true: unknown key" + jettySource + "; did you mean selfbalance.notify.master?",
                "selfbalance.notify.notify.timeout=1s: unknown key" + jettySource,
                "selfbalance.notify_master=/bin/true: unknown key" + jettySource + "; did you mean selfbalance.notify.master?"),
                e.problems());
    }

    @Test
    void anUnknownKeyInALowerSourceIsAnErrorEvenWhenAHigherSourceIsFine() {
        Map<String, String> jetty = valid();
        jetty.put("selfbalance.status.paht", "/x");
        Properties sys = new Properties();
        sys.setProperty("selfbalance.status.path", "/x");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SelfbalanceConfigLoader.load(jetty, Optional.empty(), Map.of(), sys));
        assertEquals(List.of("selfbalance.status.paht=/x: unknown key (in Jetty properties: start.d/*.ini or the start.jar command line); did you mean selfbalance.status.path?"),
                e.problems());
    }

    @Test
    void anUnreadableFileIsAProblem(@TempDir Path dir) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SelfbalanceConfigLoader.load(valid(), Optional.of(dir), Map.of(), new Properties()));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith(dir + ": cannot be read as a properties file: "), e.problems().get(0));
    }

    // ---- one rule per row, with its exact message

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // required keys
            "selfbalance.interface|NULL|selfbalance.interface: required: the network interface that carries the VIPs, e.g. eth0",
            "selfbalance.routers.main.vrid|NULL|selfbalance.routers.main.vrid: required: the virtual router id, 1..255",
            "selfbalance.routers.main.vips|NULL|selfbalance.routers.main.vips: required: one or more virtual addresses in CIDR form, e.g. 192.168.77.254/24",
            "selfbalance.routers.main.vips|' , '|selfbalance.routers.main.vips: required: one or more virtual addresses in CIDR form, e.g. 192.168.77.254/24",
            "selfbalance.nodes.node4.weight|5|selfbalance.nodes.node4.address: required: the node's IP address, e.g. 192.168.77.11",
            // conversions
            "selfbalance.interface|eth0:1|selfbalance.interface=eth0:1: must be a Linux interface name: 1..15 characters, no '/', ':' or white space",
            "selfbalance.interface|averyveryverylongname|selfbalance.interface=averyveryverylongname: must be a Linux interface name: 1..15 characters, no '/', ':' or white space",
            "selfbalance.address|node1.example.com|selfbalance.address=node1.example.com: not an IP address literal; write e.g. 192.168.77.11 or fd77::11",
            "selfbalance.routers.main.vrid|abc|selfbalance.routers.main.vrid=abc: not a whole number",
            "selfbalance.routers.main.vrid|0|selfbalance.routers.main.vrid=0: must be 1..255",
            "selfbalance.routers.main.vrid|256|selfbalance.routers.main.vrid=256: must be 1..255",
            "selfbalance.routers.main.vips|192.168.77.254|selfbalance.routers.main.vips=192.168.77.254: not CIDR; write address/prefix-length, e.g. 192.168.77.254/24 or fd77::254/64",
            "selfbalance.routers.main.vips|192.168.77.254/24,192.168.77.253/40|selfbalance.routers.main.vips=192.168.77.254/24,192.168.77.253/40: '192.168.77.253/40' is prefix length must be 0..32 for an IPv4 address",
            "selfbalance.routers.main.priority|300|selfbalance.routers.main.priority=300: must be 1..254 (255 is reserved for the address owner)",
            "selfbalance.routers.main.priority|255|selfbalance.routers.main.priority=255: must be 1..254 (255 is reserved for the address owner)",
            "selfbalance.routers.main.priority|0|selfbalance.routers.main.priority=0: must be 1..254 (255 is reserved for the address owner)",
            "selfbalance.routers.main.version|4|selfbalance.routers.main.version=4: must be 3 or 2",
            "selfbalance.routers.main.version|1|selfbalance.routers.main.version=1: must be 3 or 2",
            "selfbalance.routers.main.advert-interval|1x|selfbalance.routers.main.advert-interval=1x: not a duration; use a number with unit ms, s, m or h (e.g. 100ms, 1s, 2m, 1h) or ISO-8601 (e.g. PT1.5S)",
            "selfbalance.routers.main.advert-interval|5ms|selfbalance.routers.main.advert-interval=5ms: must be 10ms..40.95s in steps of 10ms with VRRP version 3",
            "selfbalance.routers.main.advert-interval|15ms|selfbalance.routers.main.advert-interval=15ms: must be 10ms..40.95s in steps of 10ms with VRRP version 3",
            "selfbalance.routers.main.advert-interval|41s|selfbalance.routers.main.advert-interval=41s: must be 10ms..40.95s in steps of 10ms with VRRP version 3",
            "selfbalance.routers.main.preempt|yes|selfbalance.routers.main.preempt=yes: must be true or false",
            "selfbalance.routers.main.preempt-delay|2h|selfbalance.routers.main.preempt-delay=2h: must be 0s..1h",
            "selfbalance.routers.main.unicast-peers|192.168.77.12,peer3|selfbalance.routers.main.unicast-peers=192.168.77.12,peer3: 'peer3' is not an IP address literal; write e.g. 192.168.77.11 or fd77::11",
            "selfbalance.routers.main.v3-checksum|rfc3768|selfbalance.routers.main.v3-checksum=rfc3768: must be rfc5798 or rfc9568",
            "selfbalance.routers.main.garp.repeat|0|selfbalance.routers.main.garp.repeat=0: must be 1..100",
            "selfbalance.routers.main.garp.repeat|101|selfbalance.routers.main.garp.repeat=101: must be 1..100",
            "selfbalance.routers.main.garp.delay|11s|selfbalance.routers.main.garp.delay=11s: must be 0s..10s",
            "selfbalance.routers.main.garp.refresh|500ms|selfbalance.routers.main.garp.refresh=500ms: must be 0s (off) or 1s..1h",
            "selfbalance.routers.main.garp.refresh|2h|selfbalance.routers.main.garp.refresh=2h: must be 0s (off) or 1s..1h",
            "selfbalance.services.http.protocol|udp|selfbalance.services.http.protocol=udp: must be tcp (the only one supported)",
            "selfbalance.services.http.port|0|selfbalance.services.http.port=0: must be 1..65535",
            "selfbalance.services.http.port|65536|selfbalance.services.http.port=65536: must be 1..65535",
            "selfbalance.services.http.scheduler|WRR|selfbalance.services.http.scheduler=WRR: must be an IPVS scheduler name such as wrr, rr, lc, wlc, sh, mh (1..15 characters a-z 0-9 _)",
            "selfbalance.services.http.forwarding|nat|selfbalance.services.http.forwarding=nat: must be dr (the only one supported)",
            "selfbalance.nodes.node1.weight|-1|selfbalance.nodes.node1.weight=-1: must be 0..65535",
            "selfbalance.nodes.node1.weight|65536|selfbalance.nodes.node1.weight=65536: must be 0..65535",
            "selfbalance.nodes.node1.health-url|https://x/health|selfbalance.nodes.node1.health-url=https://x/health: must be an absolute http:// URL, e.g. http://192.168.77.11:8080/health/ready",
            "selfbalance.health.probe-interval|50ms|selfbalance.health.probe-interval=50ms: must be 100ms..1h",
            "selfbalance.health.probe-timeout|5ms|selfbalance.health.probe-timeout=5ms: must be 10ms..1h and at most probe-interval",
            "selfbalance.health.probe-timeout|2s|selfbalance.health.probe-timeout=2s: must be at most selfbalance.health.probe-interval (1s)",
            "selfbalance.health.rise|0|selfbalance.health.rise=0: must be 1..100",
            "selfbalance.health.fall|101|selfbalance.health.fall=101: must be 1..100",
            "selfbalance.health.local-interval|2h|selfbalance.health.local-interval=2h: must be 100ms..1h",
            "selfbalance.health.resign-on|both|selfbalance.health.resign-on=both: must be any or readiness or liveness or never",
            "selfbalance.drain-time|61m|selfbalance.drain-time=61m: must be 0s..1h",
            "selfbalance.vip-lifetime|1s|selfbalance.vip-lifetime=1s: must be 5s..1h",
            "selfbalance.status.enabled|on|selfbalance.status.enabled=on: must be true or false",
            "selfbalance.status.path|status|selfbalance.status.path=status: must be a URL path starting with '/' (letters, digits, . _ ~ - /)",
            "selfbalance.status.local-only|1|selfbalance.status.local-only=1: must be true or false",
            "selfbalance.notify.timeout|0s|selfbalance.notify.timeout=0s: must be more than 0s and at most 1h",
            "selfbalance.notify.timeout|0ms|selfbalance.notify.timeout=0ms: must be more than 0s and at most 1h",
            "selfbalance.notify.timeout|61m|selfbalance.notify.timeout=61m: must be more than 0s and at most 1h",
            "selfbalance.notify.timeout|ten|selfbalance.notify.timeout=ten: not a duration; use a number with unit ms, s, m or h (e.g. 100ms, 1s, 2m, 1h) or ISO-8601 (e.g. PT1.5S)",
            "selfbalance.notify.queue-capacity|0|selfbalance.notify.queue-capacity=0: must be 1..10000",
            "selfbalance.notify.queue-capacity|10001|selfbalance.notify.queue-capacity=10001: must be 1..10000",
            "selfbalance.notify.queue-capacity|many|selfbalance.notify.queue-capacity=many: not a whole number",
            "selfbalance.metrics.enabled|yes|selfbalance.metrics.enabled=yes: must be true or false",
            "selfbalance.metrics.path|metrics|selfbalance.metrics.path=metrics: must be a URL path starting with '/' (letters, digits, . _ ~ - /)",
            "selfbalance.metrics.path|/metrics?x=1|selfbalance.metrics.path=/metrics?x=1: must be a URL path starting with '/' (letters, digits, . _ ~ - /)",
            "selfbalance.metrics.local-only|no|selfbalance.metrics.local-only=no: must be true or false",
            "selfbalance.connection-sync|on|selfbalance.connection-sync=on: must be true or false",
            "selfbalance.control-nice|-21|selfbalance.control-nice=-21: must be -20..19",
            "selfbalance.control-nice|20|selfbalance.control-nice=20: must be -20..19",
            "selfbalance.control-nice|high|selfbalance.control-nice=high: not a whole number",
            // cross-field rules
            "selfbalance.address|192.168.77.19|selfbalance.address=192.168.77.19: no node has this address; the node list must include this node, e.g. selfbalance.nodes.<name>.address=192.168.77.19",
            "selfbalance.nodes.node3.address|192.168.77.11|selfbalance.nodes.node3.address=192.168.77.11: same address as selfbalance.nodes.node1; every node needs its own address",
            "selfbalance.routers.main.vips|192.168.77.254/24,fd77::254/64|selfbalance.routers.main.vips=192.168.77.254/24,fd77::254/64: all addresses of one virtual router must be of one family (IPv4 or IPv6); put the others into a second router",
            "selfbalance.routers.main.vips|192.168.77.12/24|selfbalance.routers.main.vips=192.168.77.12/24: 192.168.77.12 is the address of selfbalance.nodes.node2; a VIP must be an extra address that moves between the nodes",
            "selfbalance.routers.main.vips|fd77::254/64|selfbalance.routers.main.vips=fd77::254/64: no node has an IPv6 address; direct routing needs nodes of the VIPs' family",
            "selfbalance.routers.main.unicast-peers|192.168.77.12,fd77::13|selfbalance.routers.main.unicast-peers=192.168.77.12,fd77::13: fd77::13 is IPv6 but the VIPs are IPv4; peers must be of the VIPs' family",
            "selfbalance.metrics.path|/selfbalance/status|selfbalance.metrics.path=/selfbalance/status: must differ from selfbalance.status.path (/selfbalance/status), where the status JSON is served",
            "selfbalance.metrics.path|/selfbalance/status.html|selfbalance.metrics.path=/selfbalance/status.html: must differ from /selfbalance/status.html, where the status page (selfbalance.status.path + .html) is served",
            "selfbalance.notify.master|logger,-t,selfbalance|selfbalance.notify.master=logger,-t,selfbalance: 'logger' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master",
            "selfbalance.notify.backup|./notify.sh|selfbalance.notify.backup=./notify.sh: './notify.sh' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master",
            "selfbalance.notify.fault|~/notify.sh|selfbalance.notify.fault=~/notify.sh: '~/notify.sh' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master",
            "selfbalance.notify.stop|' , notify.sh,/bin/x'|selfbalance.notify.stop=notify.sh,/bin/x: 'notify.sh' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master",
            "selfbalance.notify.notify|\\,/bin/x|selfbalance.notify.notify=\\,/bin/x: ',/bin/x' is not an absolute path; the first element must be the program's absolute path (it is run directly, not through a shell or PATH), then its arguments, e.g. /usr/local/bin/notify.sh,master",
    })
    void eachRuleHasItsMessage(String key, String value, String expected) {
        assertEquals(List.of(expected), problemsWith(key, value));
    }

    @Test
    void connectionSyncIsOffByDefaultAndNeedsExactlyOneRouter() {
        assertFalse(EffectiveConfig.resolve(loadJetty(valid()), IpAddresses.parseLiteral("192.168.77.11"), 8080).connectionSync());
        Map<String, String> on = valid();
        on.put("selfbalance.connection-sync", "true");
        EffectiveConfig e = EffectiveConfig.resolve(loadJetty(on), IpAddresses.parseLiteral("192.168.77.11"), 8080);
        assertTrue(e.connectionSync());
        assertEquals("true", e.asProperties().get("selfbalance.connection-sync"));
        assertEquals(List.of("selfbalance.connection-sync=true: needs exactly one virtual router, 2 are configured (main, second): "
                        + "the kernel keeps one master and one backup sync daemon per host, with one sync id each"),
                problemsWith("selfbalance.connection-sync", "true", "selfbalance.routers.second.vrid", "52",
                        "selfbalance.routers.second.vips", "192.168.77.253/24"));
    }

    @Test
    void controlNiceIsMinusTenByDefault() {
        EffectiveConfig d = EffectiveConfig.resolve(loadJetty(valid()), IpAddresses.parseLiteral("192.168.77.11"), 8080);
        assertEquals(-10, d.controlNice());
        assertEquals("-10", d.asProperties().get("selfbalance.control-nice"));
        Map<String, String> zero = valid();
        zero.put("selfbalance.control-nice", "0");
        assertEquals(0, EffectiveConfig.resolve(loadJetty(zero), IpAddresses.parseLiteral("192.168.77.11"), 8080).controlNice());
    }

    @Test
    void version2NeedsWholeSecondsAndIpv4() {
        assertEquals(List.of("selfbalance.routers.main.advert-interval=500ms: must be whole seconds 1s..255s with VRRP version 2"),
                problemsWith("selfbalance.routers.main.version", "2", "selfbalance.routers.main.advert-interval", "500ms"));
        assertEquals(List.of("selfbalance.routers.main.advert-interval=1.5s: must be whole seconds 1s..255s with VRRP version 2"),
                problemsWith("selfbalance.routers.main.version", "2", "selfbalance.routers.main.advert-interval", "1.5s"));
        assertEquals(List.of("selfbalance.routers.main.advert-interval=256s: must be whole seconds 1s..255s with VRRP version 2"),
                problemsWith("selfbalance.routers.main.version", "2", "selfbalance.routers.main.advert-interval", "256s"));
        // 255 s is fine for v2 although v3 stops at 40.95 s
        Map<String, String> ok = valid();
        ok.put("selfbalance.routers.main.version", "2");
        ok.put("selfbalance.routers.main.advert-interval", "255s");
        assertEquals(Duration.ofSeconds(255), loadJetty(ok).routers().get("main").advertInterval());

        assertEquals(List.of("selfbalance.routers.main.vips=fd77::254/64: IPv6 needs VRRP version 3 (selfbalance.routers.main.version=2)"),
                problemsWith("selfbalance.routers.main.version", "2", "selfbalance.routers.main.vips", "fd77::254/64",
                        "selfbalance.nodes.node4.address", "fd77::14"));
    }

    @Test
    void duplicateVridsPerAddressFamily() {
        assertEquals(List.of("selfbalance.routers.second.vrid=51: already used by selfbalance.routers.main for IPv4; a VRID must be unique per address family on the segment"),
                problemsWith("selfbalance.routers.second.vrid", "51", "selfbalance.routers.second.vips", "192.168.77.253/24"));
        // the same VRID for IPv6 is a different virtual router (its own virtual MAC 00-00-5E-00-02-xx)
        Map<String, String> ok = valid();
        ok.put("selfbalance.routers.v6.vrid", "51");
        ok.put("selfbalance.routers.v6.vips", "fd77::254/64");
        ok.put("selfbalance.nodes.node1-v6.address", "fd77::11");
        assertEquals(2, loadJetty(ok).routers().size());
    }

    @Test
    void unicastPeerMustNotBeThisNode() {
        assertEquals(List.of("selfbalance.routers.main.unicast-peers=192.168.77.11,192.168.77.12: 192.168.77.11 is this node's own address (selfbalance.address); list only the other routers"),
                problemsWith("selfbalance.address", "192.168.77.11", "selfbalance.routers.main.unicast-peers", "192.168.77.11,192.168.77.12"));
    }

    @Test
    void twoServicesOnTheDefaultPort() {
        assertEquals(List.of("selfbalance.services.b.port: same port as selfbalance.services.a (both default to the Jetty HTTP connector's port); give each service its own port"),
                problemsWith("selfbalance.services.a.scheduler", "wrr", "selfbalance.services.b.scheduler", "rr"));
        assertEquals(List.of("selfbalance.services.b.port=8080: same port as selfbalance.services.a; each virtual service needs its own port"),
                problemsWith("selfbalance.services.a.port", "8080", "selfbalance.services.b.port", "8080"));
    }

    @Test
    void atLeastOneRouterAndOneNode() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> loadJetty(Map.of("selfbalance.interface", "eth0")));
        assertEquals(List.of(
                "selfbalance.nodes: at least one node is required (every real server, this one included), e.g. selfbalance.nodes.node1.address=192.168.77.11",
                "selfbalance.routers: at least one virtual router is required, e.g. selfbalance.routers.main.vrid=51 and selfbalance.routers.main.vips=192.168.77.254/24"),
                e.problems());
    }

    @Test
    void everyProblemIsListedAtOnce() {
        Map<String, String> m = valid();
        m.put("selfbalance.routers.main.priority", "300");
        m.put("selfbalance.routers.main.advert-interval", "1x");
        m.put("selfbalance.routers.main.vrid", "abc");
        m.put("selfbalance.routers.second.vips", "192.168.77.253/24");
        m.put("selfbalance.nodes.node2.weight", "70000");
        m.put("selfbalance.health.probe-timeout", "3s");
        m.put("selfbalance.healthz.rise", "2");
        m.put("selfbalance.address", "192.168.77.19");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> loadJetty(m));
        assertEquals(List.of(
                "selfbalance.address=192.168.77.19: no node has this address; the node list must include this node, e.g. selfbalance.nodes.<name>.address=192.168.77.19",
                "selfbalance.health.probe-timeout=3s: must be at most selfbalance.health.probe-interval (1s)",
                "selfbalance.healthz.rise=2: unknown key (in Jetty properties: start.d/*.ini or the start.jar command line); did you mean selfbalance.health.rise?",
                "selfbalance.nodes.node2.weight=70000: must be 0..65535",
                "selfbalance.routers.main.advert-interval=1x: not a duration; use a number with unit ms, s, m or h (e.g. 100ms, 1s, 2m, 1h) or ISO-8601 (e.g. PT1.5S)",
                "selfbalance.routers.main.priority=300: must be 1..254 (255 is reserved for the address owner)",
                "selfbalance.routers.main.vrid=abc: not a whole number",
                "selfbalance.routers.second.vrid: required: the virtual router id, 1..255"),
                e.problems());
        assertTrue(e.getMessage().startsWith("Invalid Selfbalance configuration (8 problems):\n  selfbalance.address=192.168.77.19: "),
                e.getMessage());
    }

    @Test
    void notifyArgumentsCannotHoldNul() {
        assertEquals(List.of("selfbalance.notify.master=/bin/echo,a\\0b: element 2 contains a NUL character, which no program argument can hold"),
                problemsWith("selfbalance.notify.master", "/bin/echo,a\0b"));
    }

    @Test
    void metricsPathFollowsTheStatusPath() {
        assertEquals(List.of("selfbalance.metrics.path=/lb.html: must differ from /lb.html, where the status page (selfbalance.status.path + .html) is served"),
                problemsWith("selfbalance.status.path", "/lb", "selfbalance.metrics.path", "/lb.html"));
        assertEquals(List.of("selfbalance.metrics.path=/lb: must differ from selfbalance.status.path (/lb), where the status JSON is served"),
                problemsWith("selfbalance.status.path", "/lb", "selfbalance.metrics.path", "/lb"));
        // the default metrics path is fine once the status moved, and so is the status' old place
        Map<String, String> ok = valid();
        ok.put("selfbalance.status.path", "/selfbalance/metrics.json");
        ok.put("selfbalance.metrics.path", "/selfbalance/status");
        assertEquals("/selfbalance/status", loadJetty(ok).metrics().path());
    }

    // ---- run-time warnings

    @Test
    void warnsAboutVipsAndNodesOutsideTheInterfaceSubnets() {
        Map<String, String> m = valid();
        m.put("selfbalance.routers.main.vips", "10.9.9.9/24");
        m.put("selfbalance.nodes.node3.address", "192.168.78.13");
        SelfbalanceConfig c = loadJetty(m);
        assertEquals(List.of(
                "selfbalance.routers.main.vips=10.9.9.9/24: 10.9.9.9 is outside every subnet of eth0 (192.168.77.11/24, fd77::11/64); clients on the segment reach it only through an extra route",
                "selfbalance.nodes.node3.address=192.168.78.13: outside every subnet of eth0 (192.168.77.11/24, fd77::11/64); direct routing needs every node on the same layer-2 segment"),
                SelfbalanceConfigLoader.runtimeWarnings(c, "eth0",
                        List.of(IpPrefix.parse("192.168.77.11/24"), IpPrefix.parse("fd77::11/64"))));
        assertEquals(List.of(), SelfbalanceConfigLoader.runtimeWarnings(loadJetty(valid()), "eth0",
                List.of(IpPrefix.parse("192.168.77.11/24"))));
    }
}
