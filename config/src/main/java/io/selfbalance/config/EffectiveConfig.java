package io.selfbalance.config;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The configuration with every run-time default filled in: this node's address (the interface's primary
 * address unless {@code selfbalance.address} is set), service ports and health URLs (Jetty's HTTP
 * connector port), and the default service. Plain records, for the composition root to turn into the
 * settings of the vrrp, ipvs and health modules (which do not depend on this module).
 * {@link #toString()} prints the effective configuration in the same keys a user writes.
 *
 * @param networkInterface {@code selfbalance.interface}
 * @param address          this node's address
 * @param routers          the virtual routers, by name
 * @param services         the virtual services, by name; never empty
 * @param nodes            the nodes, by name; exactly one has {@link Node#self()}
 * @param health           {@code selfbalance.health.*}
 * @param drainTime        {@code selfbalance.drain-time}
 * @param vipLifetime      {@code selfbalance.vip-lifetime}
 * @param status           {@code selfbalance.status.*}
 * @param notifyHooks      {@code selfbalance.notify.*}
 * @param metrics          {@code selfbalance.metrics.*}
 * @param connectionSync   {@code selfbalance.connection-sync}
 * @param controlNice      {@code selfbalance.control-nice}
 */
public record EffectiveConfig(String networkInterface, InetAddress address, List<Router> routers, List<Service> services,
                              List<Node> nodes, Health health, Duration drainTime, Duration vipLifetime, Status status,
                              Notify notifyHooks, Metrics metrics, boolean connectionSync, int controlNice) {

    /** The name of the service used when no {@code selfbalance.services.*} key is set. */
    public static final String DEFAULT_SERVICE_NAME = "http";

    public EffectiveConfig {
        routers = List.copyOf(routers);
        services = List.copyOf(services);
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(notifyHooks, "notifyHooks");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The default nice value of the VRRP threads ({@code selfbalance.control-nice}). */
    public static final int DEFAULT_CONTROL_NICE = -10;

    /** With {@code selfbalance.control-nice} at its default. */
    public EffectiveConfig(String networkInterface, InetAddress address, List<Router> routers, List<Service> services,
                           List<Node> nodes, Health health, Duration drainTime, Duration vipLifetime, Status status,
                           Notify notifyHooks, Metrics metrics, boolean connectionSync) {
        this(networkInterface, address, routers, services, nodes, health, drainTime, vipLifetime, status, notifyHooks,
                metrics, connectionSync, DEFAULT_CONTROL_NICE);
    }

    /** Without connection synchronisation ({@code selfbalance.connection-sync=false}, the default). */
    public EffectiveConfig(String networkInterface, InetAddress address, List<Router> routers, List<Service> services,
                           List<Node> nodes, Health health, Duration drainTime, Duration vipLifetime, Status status,
                           Notify notifyHooks, Metrics metrics) {
        this(networkInterface, address, routers, services, nodes, health, drainTime, vipLifetime, status, notifyHooks,
                metrics, false);
    }

    /** This configuration with {@code selfbalance.connection-sync} set to {@code on}. */
    public EffectiveConfig withConnectionSync(boolean on) {
        return new EffectiveConfig(networkInterface, address, routers, services, nodes, health, drainTime, vipLifetime,
                status, notifyHooks, metrics, on, controlNice);
    }

    /** This configuration with {@code selfbalance.control-nice} set to {@code nice}. */
    public EffectiveConfig withControlNice(int nice) {
        return new EffectiveConfig(networkInterface, address, routers, services, nodes, health, drainTime, vipLifetime,
                status, notifyHooks, metrics, connectionSync, nice);
    }

    /**
     * Without the observability settings, for callers that build one by hand: no notify hooks
     * ({@link Notify#NONE}) and the default metrics endpoint ({@link Metrics#DEFAULT}).
     */
    public EffectiveConfig(String networkInterface, InetAddress address, List<Router> routers, List<Service> services,
                           List<Node> nodes, Health health, Duration drainTime, Duration vipLifetime, Status status) {
        this(networkInterface, address, routers, services, nodes, health, drainTime, vipLifetime, status,
                Notify.NONE, Metrics.DEFAULT);
    }

    /** One virtual router; {@code unicastPeers} empty means multicast. */
    public record Router(String name, int vrid, List<IpPrefix> vips, int priority, int version, Duration advertInterval,
                         boolean preempt, Duration preemptDelay, List<InetAddress> unicastPeers, V3Checksum v3Checksum,
                         int garpRepeat, Duration garpDelay, Duration garpRefresh) {
        public Router {
            vips = List.copyOf(vips);
            unicastPeers = List.copyOf(unicastPeers);
        }

        /** @return true when the VIPs are IPv6 */
        public boolean isIpv6() {
            return vips.get(0).isIpv6();
        }
    }

    /** One IPVS virtual service, offered on every VIP. */
    public record Service(String name, ServiceProtocol protocol, int port, String scheduler, Forwarding forwarding) {
    }

    /** One real server; {@code self} marks this node. */
    public record Node(String name, InetAddress address, int weight, URI healthUrl, boolean self) {
    }

    /** Health evaluation settings. */
    public record Health(Duration probeInterval, Duration probeTimeout, int rise, int fall, Duration localInterval,
                         ResignOn resignOn) {
    }

    /** Status endpoint settings. */
    public record Status(boolean enabled, String path, boolean localOnly) {
    }

    /**
     * Notify hooks: per hook the argument vector (absolute program path, then its arguments), empty when that
     * hook is not configured. Plain lists so that this module does not depend on ops; the composition turns
     * {@link #commandsByKey()} into ops' settings by each hook's configuration key.
     *
     * @param master        {@code selfbalance.notify.master}
     * @param backup        {@code selfbalance.notify.backup}
     * @param fault         {@code selfbalance.notify.fault}
     * @param stop          {@code selfbalance.notify.stop}
     * @param everyChange   {@code selfbalance.notify.notify} (run on every change, keepalived's {@code notify})
     * @param timeout       {@code selfbalance.notify.timeout}
     * @param queueCapacity {@code selfbalance.notify.queue-capacity}
     */
    public record Notify(List<String> master, List<String> backup, List<String> fault, List<String> stop,
                         List<String> everyChange, Duration timeout, int queueCapacity) {

        /** No hook configured, default limits ({@code 10s}, {@code 64}). */
        public static final Notify NONE = new Notify(List.of(), List.of(), List.of(), List.of(), List.of(),
                Duration.ofSeconds(10), 64);

        public Notify {
            master = List.copyOf(master);
            backup = List.copyOf(backup);
            fault = List.copyOf(fault);
            stop = List.copyOf(stop);
            everyChange = List.copyOf(everyChange);
            Objects.requireNonNull(timeout, "timeout");
        }

        /**
         * Every hook by its configuration key ({@code selfbalance.notify.master}, {@code .backup}, {@code .fault},
         * {@code .stop}, {@code .notify}, in that order), each mapped to its argument vector, empty when not configured.
         */
        public Map<String, List<String>> commandsByKey() {
            Map<String, List<String>> out = new java.util.LinkedHashMap<>();
            out.put("selfbalance.notify.master", master);
            out.put("selfbalance.notify.backup", backup);
            out.put("selfbalance.notify.fault", fault);
            out.put("selfbalance.notify.stop", stop);
            out.put("selfbalance.notify.notify", everyChange);
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /** Prometheus metrics endpoint settings. */
    public record Metrics(boolean enabled, String path, boolean localOnly) {

        /** The defaults: served at {@code /selfbalance/metrics} to loopback clients only. */
        public static final Metrics DEFAULT = new Metrics(true, "/selfbalance/metrics", true);
    }

    /**
     * Fills in the run-time defaults.
     *
     * @param config                   a loaded configuration
     * @param interfacePrimaryAddress  the primary address of {@code selfbalance.interface} (of the routers'
     *                                 family), used when {@code selfbalance.address} is not set
     * @param jettyHttpPort            the port of Jetty's HTTP connector
     * @throws ConfigurationException  if this node's address is not one of the nodes
     */
    public static EffectiveConfig resolve(SelfbalanceConfig config, InetAddress interfacePrimaryAddress, int jettyHttpPort) {
        Objects.requireNonNull(config, "config");
        if (jettyHttpPort < 1 || jettyHttpPort > 65535) {
            throw new IllegalArgumentException("jettyHttpPort=" + jettyHttpPort + ": must be 1..65535");
        }
        InetAddress self = config.address().orElse(interfacePrimaryAddress);
        if (self == null) {
            throw new IllegalArgumentException("interfacePrimaryAddress is null and selfbalance.address is not set");
        }
        if (config.nodes().values().stream().noneMatch(n -> n.address().equals(self))) {
            String origin = config.address().isPresent()
                    ? "selfbalance.address"
                    : "the primary address of " + config.networkInterface() + ", as selfbalance.address is not set";
            throw new ConfigurationException(List.of("selfbalance.address=" + IpAddresses.format(self)
                    + ": this node (" + origin + ") is not one of the nodes; add selfbalance.nodes.<name>.address="
                    + IpAddresses.format(self) + " or set selfbalance.address to this node's entry"));
        }

        List<Router> routers = new TreeMap<>(config.routers()).entrySet().stream().map(e -> {
            SelfbalanceConfig.Router r = e.getValue();
            return new Router(e.getKey(), r.vrid(), r.vips(), r.priority(), r.version(), r.advertInterval(), r.preempt(),
                    r.preemptDelay(), r.unicastPeers().orElse(List.of()), r.v3Checksum(), r.garp().repeat(),
                    r.garp().delay(), r.garp().refresh());
        }).toList();

        List<Service> services = new ArrayList<>();
        new TreeMap<>(config.services()).forEach((name, s) -> services.add(new Service(name, s.protocol(),
                s.port().orElse(jettyHttpPort), s.scheduler(), s.forwarding())));
        if (services.isEmpty()) {
            services.add(new Service(DEFAULT_SERVICE_NAME, ServiceProtocol.TCP, jettyHttpPort, "wrr", Forwarding.DR));
        }

        List<Node> nodes = new TreeMap<>(config.nodes()).entrySet().stream().map(e -> {
            SelfbalanceConfig.Node n = e.getValue();
            URI healthUrl = n.healthUrl().orElseGet(() ->
                    URI.create("http://" + IpAddresses.formatForUrl(n.address()) + ":" + jettyHttpPort + "/health/ready"));
            return new Node(e.getKey(), n.address(), n.weight(), healthUrl, n.address().equals(self));
        }).toList();

        SelfbalanceConfig.Health h = config.health();
        SelfbalanceConfig.Notify n = config.notifyHooks();
        return new EffectiveConfig(config.networkInterface(), self, routers, services, nodes,
                new Health(h.probeInterval(), h.probeTimeout(), h.rise(), h.fall(), h.localInterval(), h.resignOn()),
                config.drainTime(), config.vipLifetime(),
                new Status(config.status().enabled(), config.status().path(), config.status().localOnly()),
                new Notify(n.master().orElse(List.of()), n.backup().orElse(List.of()), n.fault().orElse(List.of()),
                        n.stop().orElse(List.of()), n.everyChange().orElse(List.of()), n.timeout(), n.queueCapacity()),
                new Metrics(config.metrics().enabled(), config.metrics().path(), config.metrics().localOnly()),
                config.connectionSync(), config.controlNice());
    }

    /** @return this node's entry in {@link #nodes()} */
    public Node self() {
        return nodes.stream().filter(Node::self).findFirst().orElseThrow();
    }

    /** Every effective value as {@code key=value}, sorted by key. */
    public Map<String, String> asProperties() {
        Map<String, String> out = new TreeMap<>();
        out.put("selfbalance.interface", networkInterface);
        out.put("selfbalance.address", IpAddresses.format(address));
        for (Router r : routers) {
            String p = "selfbalance.routers." + r.name() + ".";
            out.put(p + "vrid", String.valueOf(r.vrid()));
            out.put(p + "vips", r.vips().stream().map(IpPrefix::toString).collect(Collectors.joining(",")));
            out.put(p + "priority", String.valueOf(r.priority()));
            out.put(p + "version", String.valueOf(r.version()));
            out.put(p + "advert-interval", DurationConverter.format(r.advertInterval()));
            out.put(p + "preempt", String.valueOf(r.preempt()));
            out.put(p + "preempt-delay", DurationConverter.format(r.preemptDelay()));
            out.put(p + "unicast-peers", r.unicastPeers().stream().map(IpAddresses::format).collect(Collectors.joining(",")));
            out.put(p + "v3-checksum", r.v3Checksum().configValue());
            out.put(p + "garp.repeat", String.valueOf(r.garpRepeat()));
            out.put(p + "garp.delay", DurationConverter.format(r.garpDelay()));
            out.put(p + "garp.refresh", DurationConverter.format(r.garpRefresh()));
        }
        for (Service s : services) {
            String p = "selfbalance.services." + s.name() + ".";
            out.put(p + "protocol", s.protocol().configValue());
            out.put(p + "port", String.valueOf(s.port()));
            out.put(p + "scheduler", s.scheduler());
            out.put(p + "forwarding", s.forwarding().configValue());
        }
        for (Node n : nodes) {
            String p = "selfbalance.nodes." + n.name() + ".";
            out.put(p + "address", IpAddresses.format(n.address()));
            out.put(p + "weight", String.valueOf(n.weight()));
            out.put(p + "health-url", n.healthUrl().toString());
        }
        out.put("selfbalance.health.probe-interval", DurationConverter.format(health.probeInterval()));
        out.put("selfbalance.health.probe-timeout", DurationConverter.format(health.probeTimeout()));
        out.put("selfbalance.health.rise", String.valueOf(health.rise()));
        out.put("selfbalance.health.fall", String.valueOf(health.fall()));
        out.put("selfbalance.health.local-interval", DurationConverter.format(health.localInterval()));
        out.put("selfbalance.health.resign-on", health.resignOn().configValue());
        out.put("selfbalance.drain-time", DurationConverter.format(drainTime));
        out.put("selfbalance.vip-lifetime", DurationConverter.format(vipLifetime));
        out.put("selfbalance.connection-sync", String.valueOf(connectionSync));
        out.put("selfbalance.control-nice", String.valueOf(controlNice));
        out.put("selfbalance.status.enabled", String.valueOf(status.enabled()));
        out.put("selfbalance.status.path", status.path());
        out.put("selfbalance.status.local-only", String.valueOf(status.localOnly()));
        notifyHooks.commandsByKey().forEach((key, argv) -> out.put(key, formatList(argv)));
        out.put("selfbalance.notify.timeout", DurationConverter.format(notifyHooks.timeout()));
        out.put("selfbalance.notify.queue-capacity", String.valueOf(notifyHooks.queueCapacity()));
        out.put("selfbalance.metrics.enabled", String.valueOf(metrics.enabled()));
        out.put("selfbalance.metrics.path", metrics.path());
        out.put("selfbalance.metrics.local-only", String.valueOf(metrics.localOnly()));
        return out;
    }

    /**
     * A list as the user writes it: comma-separated, with {@code \}, {@code ,} and white space at either end of
     * an element (which the loader would trim) escaped by a backslash, so that it loads back to the same list.
     */
    private static String formatList(List<String> elements) {
        return elements.stream().map(element -> {
            StringBuilder out = new StringBuilder(element.length() + 4);
            for (int i = 0; i < element.length(); i++) {
                char c = element.charAt(i);
                boolean atAnEnd = i == 0 || i == element.length() - 1;
                if (c == '\\' || c == ',' || (atAnEnd && Character.isWhitespace(c))) {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.toString();
        }).collect(Collectors.joining(","));
    }

    /** The effective configuration, one {@code key=value} line per key, sorted. */
    @Override
    public String toString() {
        return asProperties().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
