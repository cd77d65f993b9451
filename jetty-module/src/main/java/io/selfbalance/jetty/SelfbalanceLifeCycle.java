package io.selfbalance.jetty;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.EventLoop;
import io.selfbalance.config.ConfigurationException;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.SelfbalanceConfig;
import io.selfbalance.config.SelfbalanceConfigLoader;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.SelfbalanceResponseProvider;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.jetty.cluster.ClusterController;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.jetty.ops.SelfbalanceOps;
import io.selfbalance.ops.NotifySettings;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Selfbalance bean of a Jetty server: the composition root that owns configuration, health and (in later
 * phases) the VRRP routers and the kernel data plane.
 *
 * <p>Created by {@code etc/selfbalance.xml} (see {@link SelfbalanceXmlProcessorFactory}) with the Jetty properties;
 * the constructor loads and validates the whole configuration, so a bad configuration stops Jetty before any
 * connector opens, with one {@link ConfigurationException} listing every problem. It then adds the health
 * context ({@code /health}, {@code /health/live}, {@code /health/ready}, {@code /health/started}) to the server's
 * {@link ContextHandlerCollection}, next to the webapps, so it starts and stops with them.
 *
 * <p>Threads: {@link #controlPlane()} is the one event loop that owns protocol state (VRRP timers, role switches,
 * policy decisions). Jetty threads never touch that state; they read {@link #status()}, an immutable snapshot the
 * control plane publishes.
 */
@ManagedObject("Selfbalance: self-balancing cluster module")
public class SelfbalanceLifeCycle extends ContainerLifeCycle {

    /** Prefix of the Selfbalance configuration keys. */
    public static final String PROPERTY_PREFIX = SelfbalanceConfigLoader.PREFIX;
    /** Prefix of the MicroProfile Health configuration keys (empty-response defaults). */
    public static final String MP_HEALTH_PREFIX = "mp.health.";
    /** Optional properties file, relative to {@code jetty.base}, read after the Jetty properties. */
    public static final String PROPERTIES_FILE = "etc/selfbalance.properties";
    /** The Jetty property of the HTTP connector's port (module {@code http}). */
    public static final String HTTP_PORT_PROPERTY = "jetty.http.port";

    private static final Logger LOG = LoggerFactory.getLogger(SelfbalanceLifeCycle.class);

    private final Server server;
    private final SelfbalanceConfig config;
    private final EffectiveConfig effective;
    private final HealthSettings healthSettings;
    private final HealthRegistry registry = new HealthRegistry();
    private final WebappHealthChecks webappChecks = new WebappHealthChecks(registry, this::republish);
    private final ContextHandler healthContext;
    private final DrainState drain = new DrainState();
    private final AtomicReference<SelfbalanceStatus> status = new AtomicReference<>();
    private final LifeCycle.Listener serverListener = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarted(LifeCycle event) {
            // Jetty has deployed its webapps: from now on an empty readiness/startup means UP (MP Health spec)
            registry.applicationsDeployed();
            phase = SelfbalanceStatus.Phase.SERVING;
            republish();
            // only now: a node must not take the VIP before its webapps and connectors are up
            startCluster();
        }

        @Override
        public void lifeCycleStopping(LifeCycle event) {
            // before Jetty closes its connectors: drain, hand over, remove our kernel state (issue 6 part 5)
            stopClusterGracefully();
            registry.applicationsNotDeployed();
        }
    };

    private volatile SelfbalanceStatus.Phase phase = SelfbalanceStatus.Phase.CONFIGURED;
    private volatile HealthEvaluator evaluator;
    private volatile EventLoop controlPlane;
    private volatile io.netty.channel.MultiThreadIoEventLoopGroup controlPlaneGroup;
    private volatile ClusterController cluster;
    /** Metrics, transition/weight log lines, notify hooks, the metrics endpoint and the status page. */
    private final SelfbalanceOps ops;
    private volatile HealthRegistry.Registration drainRegistration;
    private volatile HealthRegistry.Registration dataPlaneRegistration;

    /**
     * @param server the server this bean belongs to
     * @param contexts where the health context is added (the {@code Contexts} collection of {@code etc/jetty.xml})
     * @param jettyProperties the Jetty properties start.jar resolved ({@code selfbalance.*}, {@code mp.health.*})
     * @throws ConfigurationException listing every configuration problem
     */
    public SelfbalanceLifeCycle(Server server, ContextHandlerCollection contexts, Map<String, String> jettyProperties) {
        this(server, contexts, jettyProperties, propertiesFile(jettyProperties));
    }

    /**
     * @param propertiesFile an optional {@code selfbalance.properties} (skipped when absent)
     * @throws ConfigurationException listing every configuration problem
     */
    public SelfbalanceLifeCycle(Server server, ContextHandlerCollection contexts, Map<String, String> jettyProperties,
                                Optional<Path> propertiesFile) {
        this.server = server;
        // every problem in one report: the mapping's, the MicroProfile Health keys', the HTTP port's, then the host's
        List<String> problems = new ArrayList<>();
        SelfbalanceConfig loaded = attempt(() -> SelfbalanceConfigLoader.load(jettyProperties, propertiesFile), problems);
        HealthSettings health = attempt(() -> healthSettings(jettyProperties), problems);
        Integer port = attempt(() -> httpPort(jettyProperties), problems);
        EffectiveConfig resolved = loaded == null || port == null ? null : attempt(() -> resolve(loaded, port), problems);
        // notify hook programs must exist and be executable now, not at the first failover
        NotifySettings notify = resolved == null ? null : attempt(() -> SelfbalanceOps.notifySettings(resolved.notifyHooks()), problems);
        if (!problems.isEmpty()) {
            ConfigurationException e = new ConfigurationException(problems);
            // one readable log entry before start.jar prints the stack trace and exits
            LOG.error("Jetty will not start: {}", e.getMessage());
            throw e;
        }
        this.config = loaded;
        this.healthSettings = health;
        this.effective = resolved;
        this.healthContext = HealthEndpointHandler.newContext(() -> evaluator);
        contexts.addHandler(healthContext);
        EffectiveConfig.Status statusSettings = effective.status();
        if (statusSettings.enabled()) {
            contexts.addHandler(StatusEndpointHandler.newContext(statusSettings.path(), this::statusJson, statusSettings.localOnly()));
        }
        this.ops = new SelfbalanceOps(effective, notify, this::clusterStatus);
        ops.contexts().forEach(contexts::addHandler);
        publish(SelfbalanceStatus.Phase.CONFIGURED);
        LOG.info("Selfbalance configured (effective values):\n{}", effective);
    }

    private static <T> T attempt(java.util.function.Supplier<T> step, List<String> problems) {
        try {
            return step.get();
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Fills the run-time defaults from the host's view of the interface; logs the configuration's warnings. */
    private static EffectiveConfig resolve(SelfbalanceConfig config, int httpPort) {
        LocalInterface nic = LocalInterface.lookup(config.networkInterface());
        InetAddress primary = nic.primaryAddress().orElse(null);
        if (primary == null && config.address().isEmpty()) {
            throw new ConfigurationException(List.of("selfbalance.address: not set, and " + nic.name()
                + " has no address to default to; set selfbalance.address to this node's address"));
        }
        EffectiveConfig effective = EffectiveConfig.resolve(config, primary, httpPort);
        for (String warning : SelfbalanceConfigLoader.runtimeWarnings(config, nic.name(), nic.prefixes())) {
            LOG.warn("Selfbalance configuration: {}", warning);
        }
        return effective;
    }

    /**
     * The HTTP port the IPVS services and the default health URLs use: {@code jetty.http.port} (the http module's
     * property), default 8080 like that module.
     */
    static int httpPort(Map<String, String> jettyProperties) {
        String value = jettyProperties.getOrDefault(HTTP_PORT_PROPERTY, "8080").trim();
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException(List.of(HTTP_PORT_PROPERTY + "=" + value
                + ": Selfbalance needs a fixed HTTP port 1..65535 (the IPVS service and the health URLs use it)"));
        }
        return port;
    }

    /** {@code ${jetty.base}/etc/selfbalance.properties} when {@code jetty.base} is known. */
    static Optional<Path> propertiesFile(Map<String, String> jettyProperties) {
        String base = jettyProperties.get("jetty.base");
        if (base == null) {
            base = System.getProperty("jetty.base");
        }
        return base == null ? Optional.empty() : Optional.of(Path.of(base).resolve(PROPERTIES_FILE));
    }

    /** The MicroProfile Health empty-response keys, UP or DOWN (case-insensitive); DOWN when unset, as the spec says. */
    static HealthSettings healthSettings(Map<String, String> properties) {
        HealthSettings defaults = HealthSettings.defaults();
        return new HealthSettings(defaults.checkTimeout(),
            emptyResponse(properties, HealthSettings.EMPTY_READINESS_KEY, defaults.emptyReadinessResponse()),
            emptyResponse(properties, HealthSettings.EMPTY_STARTUP_KEY, defaults.emptyStartupResponse()),
            defaults.maxConcurrentChecks());
    }

    private static Status emptyResponse(Map<String, String> properties, String key, Status fallback) {
        String value = properties.getOrDefault(key, System.getProperty(key));
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Status.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(List.of(key + "=" + value + ": must be UP or DOWN"));
        }
    }

    public SelfbalanceConfig config() {
        return config;
    }

    /** The configuration with run-time defaults filled in (this node's address, service port, health URLs). */
    public EffectiveConfig effectiveConfig() {
        return effective;
    }

    public HealthRegistry healthRegistry() {
        return registry;
    }

    /** The evaluator while started, else null. */
    public HealthEvaluator healthEvaluator() {
        return evaluator;
    }

    /** The control-plane event loop while started, else null: the one thread that owns protocol state. */
    public EventLoop controlPlane() {
        return controlPlane;
    }

    /** The latest published snapshot; never null. */
    public SelfbalanceStatus status() {
        return status.get();
    }

    @ManagedAttribute("life-cycle phase of the Selfbalance bean")
    public String getPhase() {
        return status().phase().name();
    }

    @ManagedAttribute("number of registered health checks, all kinds")
    public int getRegisteredChecks() {
        // from the published snapshot, as the status JSON, so both show the same number
        return status().registeredChecks().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The cluster layer while started, else null. */
    public ClusterController cluster() {
        return cluster;
    }

    /** The cluster layer's latest snapshot (state NEW before start). */
    public StatusSnapshot clusterStatus() {
        ClusterController c = cluster;
        return c == null ? lastClusterStatus : c.status();
    }

    private volatile StatusSnapshot lastClusterStatus;

    /** The status endpoint's body: the cluster snapshot plus this bean's phase and checks. */
    String statusJson() {
        StatusSnapshot snapshot = clusterStatus();
        SelfbalanceStatus bean = status();
        StringBuilder jetty = new StringBuilder(",\"jetty\":{\"phase\":\"").append(bean.phase()).append("\",\"registeredChecks\":{");
        boolean first = true;
        for (HealthKind kind : HealthKind.values()) {
            jetty.append(first ? "" : ",").append('"').append(kind.name()).append("\":").append(bean.registeredChecks().getOrDefault(kind, 0));
            first = false;
        }
        jetty.append("}}");
        if (snapshot == null) {
            return "{\"state\":\"NEW\"" + jetty + "}";
        }
        String json = snapshot.toJson();
        return json.substring(0, json.length() - 1) + jetty + "}";
    }

    // JMX (Jetty's jmx module): the status JSON's values, read-only. Scalars as attributes of their own; routers,
    // nodes, IPVS services and transitions as open data (CompositeData items named as the JSON's fields), so a JMX
    // client needs none of our classes; Roles and VipPlacement as one-line summaries for a glance in jconsole.

    @ManagedAttribute("registered health checks per kind (LIVENESS, READINESS, STARTUP)")
    public javax.management.openmbean.CompositeData getRegisteredChecksPerKind() {
        Map<String, Integer> perKind = new java.util.TreeMap<>();
        status().registeredChecks().forEach((kind, n) -> perKind.put(kind.name(), n));
        for (HealthKind kind : HealthKind.values()) {
            perKind.putIfAbsent(kind.name(), 0);
        }
        return StatusOpenData.numbers("RegisteredChecks", perKind);
    }

    @ManagedAttribute("this node's name in selfbalance.nodes, or null before the cluster layer started")
    public String getNode() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.node();
    }

    @ManagedAttribute("this node's address (VRRP source, IPVS destination), or null before the cluster layer started")
    public String getAddress() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.address();
    }

    @ManagedAttribute("the interface carrying VRRP and the VIPs, or null before the cluster layer started")
    public String getInterface() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.networkInterface();
    }

    @ManagedAttribute("cluster layer state: NEW, ACTIVE, INACTIVE (see ClusterStateReason), DRAINING, STOPPED")
    public String getClusterState() {
        StatusSnapshot s = clusterStatus();
        return s == null ? "NEW" : s.state().name();
    }

    @ManagedAttribute("why the cluster layer is in its state, or null")
    public String getClusterStateReason() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.stateReason();
    }

    @ManagedAttribute("when the cluster layer published the snapshot these attributes show (ISO-8601), or null")
    public String getPublished() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.published().toString();
    }

    @ManagedAttribute("role per virtual router, one line each: name vrid role priority master")
    public String[] getRoles() {
        StatusSnapshot s = clusterStatus();
        return s == null ? new String[0] : s.routers().stream().map(r -> r.name() + " vrid " + r.vrid() + " " + r.role()
            + (r.handingOver() ? " (handing over)" : "") + " priority " + r.priority() + "/" + r.configuredPriority()
            + " master " + r.master()).toArray(String[]::new);
    }

    @ManagedAttribute("where each VIP is on this node, one line each: interface (with remaining lifetime), lo or none")
    public String[] getVipPlacement() {
        StatusSnapshot s = clusterStatus();
        return s == null ? new String[0] : s.routers().stream().flatMap(r -> r.vips().stream())
            .map(v -> v.vip() + " on " + v.on() + (v.on().startsWith("interface") ? " valid " + v.validSeconds() + "s" : ""))
            .toArray(String[]::new);
    }

    @ManagedAttribute("every virtual router: role, priorities, master, last cause, VIP placement, advertisement counts")
    public javax.management.openmbean.CompositeData[] getRouters() {
        StatusSnapshot s = clusterStatus();
        return StatusOpenData.composites(s == null ? List.of() : s.routers());
    }

    @ManagedAttribute("every node (peers and self) with its health, the IPVS weight it gets and its last probe")
    public javax.management.openmbean.CompositeData[] getNodes() {
        StatusSnapshot s = clusterStatus();
        return StatusOpenData.composites(s == null ? List.of() : s.nodes());
    }

    @ManagedAttribute("the IPVS services this node holds (master only) with destinations, weights and connections")
    public javax.management.openmbean.CompositeData[] getIpvs() {
        StatusSnapshot s = clusterStatus();
        return StatusOpenData.composites(s == null ? List.of() : s.ipvs());
    }

    @ManagedAttribute("latest VRRP transitions with causes, peers and times, oldest first")
    public javax.management.openmbean.CompositeData[] getTransitions() {
        StatusSnapshot s = clusterStatus();
        return StatusOpenData.composites(s == null ? List.of() : s.transitions());
    }

    @ManagedAttribute("event counters of the cluster layer, or null before it started")
    public javax.management.openmbean.CompositeData getCounters() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : StatusOpenData.numbers("Counters", s.counters());
    }

    @ManagedAttribute("the latest data-plane or transport failure, or null")
    public String getLastError() {
        StatusSnapshot s = clusterStatus();
        return s == null ? null : s.lastError();
    }

    @ManagedAttribute("the status endpoint's JSON")
    public String getStatusJson() {
        return statusJson();
    }

    private void startCluster() {
        if (cluster != null || controlPlane == null) {
            return;
        }
        HealthEvaluator health = evaluator;
        ClusterController c = new ClusterController(effective, controlPlane, ClusterController.KERNEL, ClusterController.RAW_SOCKETS,
            kind -> health.evaluateAsync(kind), drain);
        c.observe(ops.observer());
        cluster = c;
        // readiness DOWN until the cluster layer has put the VIP on lo (Jetty serves before that: a master probing this
        // node must not give it weight yet), and while the kernel refuses the data plane (no IPVS, no CAP_NET_ADMIN)
        dataPlaneRegistration = registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, c.dataPlaneCheck());
        try {
            c.start().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("Selfbalance cluster layer did not start", e);
        }
        // not kept on a node inactive by configuration (loopback interface), which has no data plane to check
        if (!c.dataPlaneInUse()) {
            registry.unregister(dataPlaneRegistration);
            dataPlaneRegistration = null;
        }
        republish();
    }

    private void stopClusterGracefully() {
        ClusterController c = cluster;
        if (c == null) {
            return;
        }
        Duration drainTime = effective.drainTime();
        try {
            // drain-time for connections, then a handover bounded by the routers' advert intervals; the VIPs stay on
            // lo until doStop, which Jetty runs after it closed its connectors (a forwarded connection keeps working)
            c.drainAndHandOver(drainTime, this::clientConnections, lastClientConnectionNanos::get, this::closeKeepAliveConnections)
                    .get(drainTime.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("Selfbalance graceful stop did not complete; removing our state now", e);
            stopClusterNow();
        }
    }

    private void stopClusterNow() {
        ClusterController c = cluster;
        if (c == null) {
            return;
        }
        try {
            c.stop().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("Selfbalance cluster layer did not stop cleanly", e);
        }
        lastClusterStatus = c.status();
        cluster = null;
        if (dataPlaneRegistration != null) {
            registry.unregister(dataPlaneRegistration);
            dataPlaneRegistration = null;
        }
    }

    /**
     * Once the master gives this node weight 0, no new connection comes; the open keep-alive ones would stay for the
     * whole drain and then be cut. Shutting the connectors down makes Jetty answer {@code Connection: close} and close
     * idle connections after its shutdown idle timeout, so keep-alive clients reconnect, through the VIP, elsewhere.
     */
    private void closeKeepAliveConnections() {
        for (Connector connector : server.getConnectors()) {
            connector.shutdown();
        }
        LOG.info("Selfbalance: connectors shut down for the drain (Connection: close, no new connections)");
    }

    /**
     * Connections of clients still open on this server's connectors: the drain waits for them. Connections from the
     * nodes themselves (health probes keep theirs alive) do not count.
     */
    private int clientConnections() {
        int open = 0;
        for (Connector connector : server.getConnectors()) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                if (fromClient(endPoint)) {
                    open++;
                }
            }
        }
        return open;
    }

    /** Whether a connection comes from a client: not from a node of the cluster (probes), not from loopback. */
    private boolean fromClient(EndPoint endPoint) {
        if (endPoint.getRemoteSocketAddress() instanceof java.net.InetSocketAddress remote) {
            InetAddress a = remote.getAddress();
            return a != null && !a.isLoopbackAddress() && effective.nodes().stream().noneMatch(n -> n.address().equals(a));
        }
        return true;
    }

    /**
     * {@link System#nanoTime()} when a client last opened a connection to this server
     * ({@link ClusterController#NO_CLIENT_CONNECTION} before the first): a draining node shuts its connectors only
     * once new connections have stopped coming, i.e. the master has applied its weight 0 (ClusterController#drainAndHandOver).
     */
    private final java.util.concurrent.atomic.AtomicLong lastClientConnectionNanos =
            new java.util.concurrent.atomic.AtomicLong(ClusterController.NO_CLIENT_CONNECTION);

    private final Connection.Listener clientConnectionListener = new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
            if (fromClient(connection.getEndPoint())) {
                lastClientConnectionNanos.set(System.nanoTime());
            }
        }
    };

    @Override
    protected void doStart() throws Exception {
        SelfbalanceResponseProvider.install();
        // readiness DOWN with selfbalance.weight=0 while draining: how peers learn that this node leaves
        drain.stopDraining();
        drainRegistration = registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        evaluator = new HealthEvaluator(registry, healthSettings, checkThreadNice());
        ops.start();
        // one thread that does I/O: the cluster layer's health probes run on it too (PeerProber.sharing)
        controlPlaneGroup = io.selfbalance.health.probe.PeerProber.singleThreadGroup("selfbalance-control");
        controlPlane = (EventLoop) controlPlaneGroup.next();
        // InheritedListener: also reaches contexts already deployed and every collection below the server
        server.addEventListener(webappChecks);
        server.addEventListener(serverListener);
        for (Connector connector : server.getConnectors()) {
            connector.addBean(clientConnectionListener);
        }
        super.doStart();
        phase = server.isStarted() ? SelfbalanceStatus.Phase.SERVING : SelfbalanceStatus.Phase.STARTED;
        republish();
        if (server.isStarted()) {
            startCluster(); // added to a running server
        }
    }

    @Override
    protected void doStop() throws Exception {
        // normally done already when the server began stopping; this covers a stop of the bean alone
        stopClusterGracefully();
        stopClusterNow();
        // after the routers stopped: their STOP hooks are queued and get one time limit to finish
        ops.stop();
        super.doStop();
        registry.applicationsNotDeployed();
        server.removeEventListener(serverListener);
        server.removeEventListener(webappChecks);
        for (Connector connector : server.getConnectors()) {
            connector.removeBean(clientConnectionListener);
        }
        webappChecks.detachAll();
        if (drainRegistration != null) {
            registry.unregister(drainRegistration);
            drainRegistration = null;
        }
        HealthEvaluator stoppingEvaluator = evaluator;
        evaluator = null;
        if (stoppingEvaluator != null) {
            stoppingEvaluator.close();
        }
        io.netty.channel.MultiThreadIoEventLoopGroup group = controlPlaneGroup;
        controlPlaneGroup = null;
        controlPlane = null;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(Duration.ofSeconds(5).toMillis());
        }
        publish(SelfbalanceStatus.Phase.STOPPED);
    }

    /** Something the status shows changed (webapp checks): the control plane publishes a new snapshot. */
    private void republish() {
        EventLoop loop = controlPlane;
        if (loop != null && !loop.isShuttingDown()) {
            loop.execute(() -> publish(phase));
        } else {
            publish(phase);
        }
    }

    private void publish(SelfbalanceStatus.Phase newPhase) {
        phase = newPhase;
        Map<HealthKind, Integer> counts = new EnumMap<>(HealthKind.class);
        for (HealthKind kind : HealthKind.values()) {
            counts.put(kind, registry.registrations(kind).size());
        }
        status.set(new SelfbalanceStatus(newPhase, Instant.now(), counts, webappChecks.registeredOwners()));
    }

    @Override
    public String toString() {
        return String.format("%s@%x{%s}", getClass().getSimpleName(), hashCode(), getState());
    }

    /**
     * The hook for the threads that run health checks: they get the nice value of the thread that starts the module
     * (the server's own). A new thread inherits its creator's, and the control loop, which may create one, runs at
     * {@code selfbalance.control-nice}: the webapps' checks are application code and must not run at VRRP's priority.
     */
    private static Runnable checkThreadNice() {
        int serverNice;
        try {
            serverNice = io.selfbalance.vrrp.linux.ThreadNice.ofCurrentThread();
        } catch (RuntimeException | LinkageError e) {
            return () -> { }; // not Linux, or no /proc: nothing was raised either
        }
        return () -> {
            try {
                if (io.selfbalance.vrrp.linux.ThreadNice.ofCurrentThread() != serverNice) {
                    io.selfbalance.vrrp.linux.ThreadNice.setForCurrentThread(serverNice);
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("Selfbalance: a health check thread keeps its nice value ({})", e.getMessage());
            }
        };
    }
}
