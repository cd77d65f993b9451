package io.selfbalance.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Rules that span several keys and so cannot be Bean Validation annotations on one property. Each
 * problem lists the keys it rests on; the loader drops it when one of those already has a problem.
 */
final class CrossFieldRules {

    static final Duration V3_MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration V3_MAX_INTERVAL = Duration.ofMillis(40_950);

    private CrossFieldRules() {
    }

    static List<Problem> check(SelfbalanceConfig config, SelfbalanceConfigLoader.RawValues raw) {
        List<Problem> problems = new ArrayList<>();
        Map<String, SelfbalanceConfig.Router> routers = new TreeMap<>(config.routers());
        Map<String, SelfbalanceConfig.Node> nodes = new TreeMap<>(config.nodes());

        if (routers.isEmpty()) {
            problems.add(new Problem("selfbalance.routers", null,
                    "at least one virtual router is required, e.g. selfbalance.routers.main.vrid=51 and selfbalance.routers.main.vips=192.168.77.254/24",
                    Set.of()));
        }
        if (nodes.isEmpty()) {
            problems.add(new Problem("selfbalance.nodes", null,
                    "at least one node is required (every real server, this one included), e.g. selfbalance.nodes.node1.address=192.168.77.11",
                    Set.of()));
        }

        Set<String> nodeAddressKeys = nodes.keySet().stream().map(n -> nodeKey(n, "address")).collect(Collectors.toSet());
        Map<InetAddress, String> nodeByAddress = new HashMap<>();
        for (Map.Entry<String, SelfbalanceConfig.Node> node : nodes.entrySet()) {
            String key = nodeKey(node.getKey(), "address");
            String previous = nodeByAddress.putIfAbsent(node.getValue().address(), node.getKey());
            if (previous != null) {
                problems.add(new Problem(key, raw.valueOrDefault(key),
                        "same address as selfbalance.nodes." + previous + "; every node needs its own address",
                        Set.of(key, nodeKey(previous, "address"))));
            }
        }

        config.address().ifPresent(own -> {
            if (!nodes.isEmpty() && !nodeByAddress.containsKey(own)) {
                Set<String> involves = new HashSet<>(nodeAddressKeys);
                involves.add("selfbalance.address");
                problems.add(new Problem("selfbalance.address", raw.valueOrDefault("selfbalance.address"),
                        "no node has this address; the node list must include this node, e.g. selfbalance.nodes.<name>.address="
                                + IpAddresses.format(own),
                        involves));
            }
        });

        Map<String, String> vridOwners = new HashMap<>();
        for (Map.Entry<String, SelfbalanceConfig.Router> entry : routers.entrySet()) {
            checkRouter(entry.getKey(), entry.getValue(), config, raw, nodeByAddress, nodeAddressKeys, vridOwners, problems);
        }

        checkServices(config, raw, problems);

        if (config.connectionSync() && routers.size() > 1) {
            // one master and one backup daemon per host, one sync id each: the routers' entries would mix (a node
            // that is master of one router and backup of another is not supported yet)
            String key = "selfbalance.connection-sync";
            problems.add(new Problem(key, raw.valueOrDefault(key),
                    "needs exactly one virtual router, " + routers.size() + " are configured (" + String.join(", ", routers.keySet())
                            + "): the kernel keeps one master and one backup sync daemon per host, with one sync id each",
                    Set.of(key)));
        }

        SelfbalanceConfig.Health health = config.health();
        if (health.probeTimeout().compareTo(health.probeInterval()) > 0) {
            String key = "selfbalance.health.probe-timeout";
            problems.add(new Problem(key, raw.valueOrDefault(key),
                    "must be at most selfbalance.health.probe-interval (" + DurationConverter.format(health.probeInterval()) + ")",
                    Set.of(key, "selfbalance.health.probe-interval")));
        }

        checkNotifyHooks(config.notifyHooks(), raw, problems);
        checkMetricsPath(config, raw, problems);
        return problems;
    }

    /**
     * A hook is executed directly (no shell, no PATH lookup), so its first element must be an absolute path,
     * and no element can hold a NUL (the C strings of execve end there). One key each, but a whole-list rule.
     */
    private static void checkNotifyHooks(SelfbalanceConfig.Notify notify, SelfbalanceConfigLoader.RawValues raw,
                                         List<Problem> problems) {
        Map<String, Optional<List<String>>> hooks = new LinkedHashMap<>();
        hooks.put("master", notify.master());
        hooks.put("backup", notify.backup());
        hooks.put("fault", notify.fault());
        hooks.put("stop", notify.stop());
        hooks.put("notify", notify.everyChange());
        hooks.forEach((hook, argv) -> argv.filter(a -> !a.isEmpty()).ifPresent(elements -> {
            String key = "selfbalance.notify." + hook;
            String shown = raw.valueOrDefault(key).replace("\0", "\\0");
            for (int i = 0; i < elements.size(); i++) {
                if (elements.get(i).indexOf('\0') >= 0) {
                    problems.add(Problem.of(key, shown,
                            "element " + (i + 1) + " contains a NUL character, which no program argument can hold"));
                    return;
                }
            }
            String program = elements.get(0);
            if (!program.startsWith("/")) {
                problems.add(Problem.of(key, shown, "'" + program + "' is not an absolute path; the first element must be the"
                        + " program's absolute path (it is run directly, not through a shell or PATH), then its arguments,"
                        + " e.g. /usr/local/bin/notify.sh,master"));
            }
        }));
    }

    /** The metrics must not shadow the status JSON or the status page Jetty serves beside it. */
    private static void checkMetricsPath(SelfbalanceConfig config, SelfbalanceConfigLoader.RawValues raw, List<Problem> problems) {
        String key = "selfbalance.metrics.path";
        String metricsPath = config.metrics().path();
        String statusPath = config.status().path();
        if (metricsPath.equals(statusPath)) {
            problems.add(new Problem(key, raw.valueOrDefault(key),
                    "must differ from selfbalance.status.path (" + statusPath + "), where the status JSON is served",
                    Set.of(key, "selfbalance.status.path")));
        } else if (metricsPath.equals(statusPath + ".html")) {
            problems.add(new Problem(key, raw.valueOrDefault(key),
                    "must differ from " + statusPath + ".html, where the status page (selfbalance.status.path + .html) is served",
                    Set.of(key, "selfbalance.status.path")));
        }
    }

    private static void checkRouter(String name, SelfbalanceConfig.Router router, SelfbalanceConfig config,
                                    SelfbalanceConfigLoader.RawValues raw, Map<InetAddress, String> nodeByAddress,
                                    Set<String> nodeAddressKeys, Map<String, String> vridOwners, List<Problem> problems) {
        String vipsKey = routerKey(name, "vips");
        String versionKey = routerKey(name, "version");
        String intervalKey = routerKey(name, "advert-interval");
        String vipsRaw = raw.valueOrDefault(vipsKey);

        boolean anyV4 = router.vips().stream().anyMatch(p -> !p.isIpv6());
        boolean anyV6 = router.vips().stream().anyMatch(IpPrefix::isIpv6);
        if (anyV4 && anyV6) {
            problems.add(Problem.of(vipsKey, vipsRaw,
                    "all addresses of one virtual router must be of one family (IPv4 or IPv6); put the others into a second router"));
            return;
        }
        String family = anyV6 ? "IPv6" : "IPv4";
        if (anyV6 && router.version() == 2) {
            problems.add(new Problem(vipsKey, vipsRaw,
                    "IPv6 needs VRRP version 3 (" + versionKey + "=2)", Set.of(vipsKey, versionKey)));
        }

        Duration interval = router.advertInterval();
        if (router.version() == 2) {
            boolean wholeSeconds = interval.toNanos() % 1_000_000_000L == 0;
            if (!wholeSeconds || interval.getSeconds() < 1 || interval.getSeconds() > 255) {
                problems.add(new Problem(intervalKey, raw.valueOrDefault(intervalKey),
                        "must be whole seconds 1s..255s with VRRP version 2", Set.of(intervalKey, versionKey)));
            }
        } else if (router.version() == 3) {
            boolean centiseconds = interval.toNanos() % 10_000_000L == 0;
            if (!centiseconds || interval.compareTo(V3_MIN_INTERVAL) < 0 || interval.compareTo(V3_MAX_INTERVAL) > 0) {
                problems.add(new Problem(intervalKey, raw.valueOrDefault(intervalKey),
                        "must be 10ms..40.95s in steps of 10ms with VRRP version 3", Set.of(intervalKey, versionKey)));
            }
        }

        String vridKey = routerKey(name, "vrid");
        String owner = vridOwners.putIfAbsent(family + "/" + router.vrid(), name);
        if (owner != null) {
            problems.add(new Problem(vridKey, raw.valueOrDefault(vridKey),
                    "already used by selfbalance.routers." + owner + " for " + family
                            + "; a VRID must be unique per address family on the segment",
                    Set.of(vridKey, vipsKey, routerKey(owner, "vrid"), routerKey(owner, "vips"))));
        }

        router.unicastPeers().ifPresent(peers -> {
            String peersKey = routerKey(name, "unicast-peers");
            for (InetAddress peer : peers) {
                boolean peerV6 = peer instanceof java.net.Inet6Address;
                if (peerV6 != anyV6) {
                    problems.add(new Problem(peersKey, raw.valueOrDefault(peersKey),
                            IpAddresses.format(peer) + " is " + IpPrefix.family(peer) + " but the VIPs are " + family
                                    + "; peers must be of the VIPs' family",
                            Set.of(peersKey, vipsKey)));
                }
                if (config.address().isPresent() && config.address().get().equals(peer)) {
                    problems.add(new Problem(peersKey, raw.valueOrDefault(peersKey),
                            IpAddresses.format(peer) + " is this node's own address (selfbalance.address); list only the other routers",
                            Set.of(peersKey, "selfbalance.address")));
                }
            }
        });

        for (IpPrefix vip : router.vips()) {
            String node = nodeByAddress.get(vip.address());
            if (node != null) {
                problems.add(new Problem(vipsKey, vipsRaw,
                        IpAddresses.format(vip.address()) + " is the address of selfbalance.nodes." + node
                                + "; a VIP must be an extra address that moves between the nodes",
                        Set.of(vipsKey, nodeKey(node, "address"))));
            }
        }

        if (!nodeByAddress.isEmpty() && nodeByAddress.keySet().stream().noneMatch(a -> (a instanceof java.net.Inet6Address) == anyV6)) {
            Set<String> involves = new HashSet<>(nodeAddressKeys);
            involves.add(vipsKey);
            problems.add(new Problem(vipsKey, vipsRaw,
                    "no node has an " + family + " address; direct routing needs nodes of the VIPs' family", involves));
        }

        Duration refresh = router.garp().refresh();
        if (!refresh.isZero() && refresh.compareTo(Duration.ofSeconds(1)) < 0) {
            String refreshKey = routerKey(name, "garp.refresh");
            problems.add(Problem.of(refreshKey, raw.valueOrDefault(refreshKey), "must be 0s (off) or 1s..1h"));
        }
    }

    private static void checkServices(SelfbalanceConfig config, SelfbalanceConfigLoader.RawValues raw, List<Problem> problems) {
        Map<String, String> byPort = new HashMap<>();
        for (Map.Entry<String, SelfbalanceConfig.VirtualService> e : new TreeMap<>(config.services()).entrySet()) {
            String portKey = "selfbalance.services." + e.getKey() + ".port";
            String port = e.getValue().port().isPresent() ? String.valueOf(e.getValue().port().getAsInt()) : "jetty";
            String previous = byPort.putIfAbsent(e.getValue().protocol() + "/" + port, e.getKey());
            if (previous != null) {
                String why = "jetty".equals(port)
                        ? "same port as selfbalance.services." + previous
                          + " (both default to the Jetty HTTP connector's port); give each service its own port"
                        : "same port as selfbalance.services." + previous + "; each virtual service needs its own port";
                problems.add(new Problem(portKey, raw.valueOrDefault(portKey), why,
                        Set.of(portKey, "selfbalance.services." + previous + ".port")));
            }
        }
    }

    static List<String> runtimeWarnings(SelfbalanceConfig config, String interfaceName, List<IpPrefix> interfacePrefixes) {
        List<String> warnings = new ArrayList<>();
        String subnets = interfacePrefixes.isEmpty() ? "none"
                : interfacePrefixes.stream().map(IpPrefix::toString).collect(Collectors.joining(", "));
        for (Map.Entry<String, SelfbalanceConfig.Router> e : new TreeMap<>(config.routers()).entrySet()) {
            for (IpPrefix vip : e.getValue().vips()) {
                if (interfacePrefixes.stream().noneMatch(p -> p.contains(vip.address()))) {
                    warnings.add(routerKey(e.getKey(), "vips") + "=" + vip + ": " + IpAddresses.format(vip.address())
                            + " is outside every subnet of " + interfaceName + " (" + subnets
                            + "); clients on the segment reach it only through an extra route");
                }
            }
        }
        for (Map.Entry<String, SelfbalanceConfig.Node> e : new TreeMap<>(config.nodes()).entrySet()) {
            InetAddress address = e.getValue().address();
            if (interfacePrefixes.stream().noneMatch(p -> p.contains(address))) {
                warnings.add(nodeKey(e.getKey(), "address") + "=" + IpAddresses.format(address) + ": outside every subnet of "
                        + interfaceName + " (" + subnets + "); direct routing needs every node on the same layer-2 segment");
            }
        }
        return warnings;
    }

    static String routerKey(String name, String leaf) {
        return "selfbalance.routers." + name + "." + leaf;
    }

    static String nodeKey(String name, String leaf) {
        return "selfbalance.nodes." + name + "." + leaf;
    }
}
