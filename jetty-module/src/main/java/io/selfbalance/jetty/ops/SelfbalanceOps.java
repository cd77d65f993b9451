package io.selfbalance.jetty.ops;

import io.selfbalance.config.ConfigurationException;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.jetty.cluster.ClusterObserver;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.MetricsExporter;
import io.selfbalance.ops.NotifyHook;
import io.selfbalance.ops.NotifySettings;
import io.selfbalance.ops.Observability;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The Jetty module's operations side: the {@link Observability} facade of a started Selfbalance (metrics, log
 * lines, notify hooks), the {@link ObservabilityBridge} the cluster layer reports to, the metrics endpoint and the
 * status page. The Jetty bean builds it at construction (after validating the notify hooks), adds
 * {@link #contexts()} to the server, calls {@link #start()} in its start and {@link #stop()} after the cluster layer
 * stopped (so the STOP hooks of the shutdown still run).
 */
public final class SelfbalanceOps {
    private final EffectiveConfig config;
    private final NotifySettings notify;
    private final Supplier<StatusSnapshot> status;
    private final ObservabilityBridge.RouterStatuses routerStatuses = new ObservabilityBridge.RouterStatuses();
    private volatile Observability observability;
    private volatile ObservabilityBridge bridge;

    /**
     * @param notify the hooks, see {@link #notifySettings(EffectiveConfig.Notify)}
     * @param status the cluster layer's latest snapshot (null before it exists), read at scrape time
     */
    public SelfbalanceOps(EffectiveConfig config, NotifySettings notify, Supplier<StatusSnapshot> status) {
        this.config = config;
        this.notify = notify;
        this.status = status;
    }

    /**
     * The notify hooks of {@code selfbalance.notify.*}, each program checked to exist and be executable now, so a
     * typo stops Jetty at start instead of failing at the first failover.
     *
     * @throws ConfigurationException naming every hook key whose value is not allowed
     */
    public static NotifySettings notifySettings(EffectiveConfig.Notify n) {
        Map<String, List<String>> byKey = n.commandsByKey();
        List<String> problems = new ArrayList<>();
        Map<NotifyHook, List<String>> commands = new EnumMap<>(NotifyHook.class);
        for (NotifyHook hook : NotifyHook.values()) {
            List<String> argv = byKey.getOrDefault(hook.configKey(), List.of());
            try {
                // one hook at a time, so every bad key is reported, not just the first
                NotifySettings.none().with(hook, argv).checkProgramsExecutable();
                commands.put(hook, argv);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        NotifySettings settings = null;
        try {
            settings = new NotifySettings(commands, n.timeout(), n.queueCapacity());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return settings;
    }

    /** The metrics endpoint (when {@code selfbalance.metrics.enabled}) and the status page (when the status JSON is on). */
    public List<ContextHandler> contexts() {
        List<ContextHandler> out = new ArrayList<>();
        EffectiveConfig.Metrics m = config.metrics();
        if (m.enabled()) {
            out.add(MetricsHandler.newContext(m.path(), this::exporter, m.localOnly()));
        }
        EffectiveConfig.Status s = config.status();
        if (s.enabled()) {
            out.add(StatusPageHandler.newContext(s.path(), s.localOnly()));
        }
        return out;
    }

    /** Creates the facade (metrics registry, notify runner); returns what the cluster layer reports to. */
    public synchronized ClusterObserver start() {
        if (observability == null) {
            routerStatuses.clear();
            Observability o = new Observability(new SnapshotMetricsSource(status, routerStatuses::get), notify);
            bridge = new ObservabilityBridge(o, routerStatuses);
            observability = o;
        }
        return bridge;
    }

    /** What the cluster layer reports to; {@link ClusterObserver#NONE} when not started. */
    public ClusterObserver observer() {
        ObservabilityBridge b = bridge;
        return b == null ? ClusterObserver.NONE : b;
    }

    /** The facade while started, else null. */
    public Observability observability() {
        return observability;
    }

    /** The exporter while started, else null (the endpoint answers 503). */
    public MetricsExporter exporter() {
        Observability o = observability;
        return o == null ? null : o.exporter();
    }

    /** Lets queued hooks (e.g. the STOP hooks of this shutdown) finish within one time limit, then closes. */
    public synchronized void stop() {
        Observability o = observability;
        observability = null;
        bridge = null;
        if (o != null) {
            o.close();
        }
    }
}
