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

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.selfbalance.config.ConfigurationException;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.SelfbalanceConfig;
import io.selfbalance.config.SelfbalanceConfigLoader;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.SelfbalanceResponseProvider;
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
    private final AtomicReference<SelfbalanceStatus> status = new AtomicReference<>();
    private final LifeCycle.Listener serverListener = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarted(LifeCycle event) {
            // Jetty has deployed its webapps: from now on an empty readiness/startup means UP (MP Health spec)
            registry.applicationsDeployed();
            phase = SelfbalanceStatus.Phase.SERVING;
            republish();
        }

        @Override
        public void lifeCycleStopping(LifeCycle event) {
            registry.applicationsNotDeployed();
        }
    };

    private volatile SelfbalanceStatus.Phase phase = SelfbalanceStatus.Phase.CONFIGURED;
    private volatile HealthEvaluator evaluator;
    private volatile DefaultEventLoop controlPlane;

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
        return registry.registrations().size();
    }

    @Override
    protected void doStart() throws Exception {
        SelfbalanceResponseProvider.install();
        evaluator = new HealthEvaluator(registry, healthSettings);
        controlPlane = new DefaultEventLoop(new DefaultThreadFactory("selfbalance-control", true));
        // InheritedListener: also reaches contexts already deployed and every collection below the server
        server.addEventListener(webappChecks);
        server.addEventListener(serverListener);
        super.doStart();
        phase = server.isStarted() ? SelfbalanceStatus.Phase.SERVING : SelfbalanceStatus.Phase.STARTED;
        republish();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        registry.applicationsNotDeployed();
        server.removeEventListener(serverListener);
        server.removeEventListener(webappChecks);
        webappChecks.detachAll();
        HealthEvaluator stoppingEvaluator = evaluator;
        evaluator = null;
        if (stoppingEvaluator != null) {
            stoppingEvaluator.close();
        }
        DefaultEventLoop loop = controlPlane;
        controlPlane = null;
        if (loop != null) {
            loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(Duration.ofSeconds(5).toMillis());
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
}
