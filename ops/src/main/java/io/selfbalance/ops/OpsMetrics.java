package io.selfbalance.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selfbalance's Prometheus metrics, in a registry of their own (never the library's global default registry, so
 * two Jetty servers in one JVM, or a test, never see each other's values).
 *
 * <p>Why the Prometheus Java client (io.prometheus:prometheus-metrics-core 1.x) and not Micrometer: we expose
 * exactly one format, Prometheus text, and the Prometheus client is that format's reference implementation with the
 * Prometheus data model itself (labels, counters, classic histograms with explicit buckets, scrape-time
 * collectors). Its core and text writer need no third-party jars (the jars stay small in {@code lib/selfbalance/},
 * which is loaded into every Jetty server). Micrometer adds a vendor-neutral facade we would not use (its Prometheus
 * registry is itself built on this client since Micrometer 1.13), plus its own naming conventions that rename
 * metrics on the way out.
 *
 * <p>Two kinds of values:
 * <ul>
 *   <li>read at scrape time from {@link ClusterMetricsSource} (the routers' published counters, node health and
 *       weight, the kernel's connection counts): a {@link MultiCollector} turns the current snapshot into samples,
 *       so nothing is duplicated or can drift from the status JSON;</li>
 *   <li>counted from events pushed by the composition ({@link #recordTransition}, {@link #recordWeightChange},
 *       {@link #recordProbe}, {@link #recordNotify}): transitions by cause, weight changes, the probe latency
 *       histogram, notify hook runs.</li>
 * </ul>
 * All methods are thread-safe and cheap (the control loop calls the record methods).
 *
 * <p>Metric names (the text format adds {@code _total} to counters and {@code _bucket/_sum/_count} to histograms):
 * see the constants below and the README section "Observability".
 */
public final class OpsMetrics {
    public static final String VRRP_STATE = "selfbalance_vrrp_state";
    public static final String VRRP_PRIORITY = "selfbalance_vrrp_priority";
    public static final String VRRP_TRANSITIONS = "selfbalance_vrrp_transitions";
    public static final String VRRP_ADVERTISEMENTS_RECEIVED = "selfbalance_vrrp_advertisements_received";
    public static final String VRRP_ADVERTISEMENTS_SENT = "selfbalance_vrrp_advertisements_sent";
    public static final String VRRP_SEND_ERRORS = "selfbalance_vrrp_send_errors";
    public static final String VRRP_PACKETS_DROPPED = "selfbalance_vrrp_packets_dropped";
    public static final String NODE_HEALTH = "selfbalance_node_health";
    public static final String NODE_WEIGHT = "selfbalance_node_weight";
    public static final String NODE_CONFIGURED_WEIGHT = "selfbalance_node_configured_weight";
    public static final String WEIGHT_CHANGES = "selfbalance_weight_changes";
    public static final String PROBE_DURATION = "selfbalance_probe_duration_seconds";
    public static final String IPVS_ACTIVE = "selfbalance_ipvs_active_connections";
    public static final String IPVS_INACTIVE = "selfbalance_ipvs_inactive_connections";
    public static final String IPVS_WEIGHT = "selfbalance_ipvs_destination_weight";
    public static final String NOTIFY_RUNS = "selfbalance_notify_runs";
    public static final String SOURCE_ERRORS = "selfbalance_metrics_source_errors";

    /**
     * Probe latency buckets in seconds: a probe on a LAN answers in about a millisecond, a loaded node in tens to
     * hundreds, and the default probe time limit is 500 ms to 2 s, so the buckets are dense from 0.5 ms to 2.5 s.
     */
    public static final double[] PROBE_LATENCY_BUCKETS_SECONDS =
            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private static final Logger LOG = LoggerFactory.getLogger(OpsMetrics.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter transitions;
    private final Counter weightChanges;
    private final Histogram probeDuration;
    private final Counter notifyRuns;
    private final Counter sourceErrors;
    private final ClusterMetricsSource source;

    public OpsMetrics(ClusterMetricsSource source) {
        this.source = Checks.present("source", source);
        transitions = Counter.builder().name(VRRP_TRANSITIONS)
                .help("VRRP state changes of this node's routers, by new state and cause")
                .labelNames("router", "vrid", "from", "to", "cause").withoutExemplars().register(registry);
        weightChanges = Counter.builder().name(WEIGHT_CHANGES)
                .help("IPVS weight changes decided by this node (as master), by node and direction")
                .labelNames("node", "direction").withoutExemplars().register(registry);
        probeDuration = Histogram.builder().name(PROBE_DURATION)
                .help("Health probe duration (connect to complete answer or failure), by probed node and outcome")
                .labelNames("node", "outcome").classicOnly().classicUpperBounds(PROBE_LATENCY_BUCKETS_SECONDS)
                .withoutExemplars().register(registry);
        notifyRuns = Counter.builder().name(NOTIFY_RUNS)
                .help("Notify hook runs, by hook and outcome (SUCCEEDED, FAILED, TIMED_OUT, NOT_STARTED, REJECTED)")
                .labelNames("hook", "outcome").withoutExemplars().register(registry);
        sourceErrors = Counter.builder().name(SOURCE_ERRORS)
                .help("Scrapes where reading the cluster's status failed (those metrics were left out)")
                .labelNames("part").withoutExemplars().build();
        for (String part : List.of("routers", "peers", "destinations")) {
            sourceErrors.initLabelValues(part);
        }
        // Not registered itself: the snapshot collector emits it after reading, so a scrape that failed already
        // counts itself (a registered counter would be collected before the failure).
        registry.register(new SnapshotCollector());
    }

    /** The registry holding every Selfbalance metric (to render, or to add more collectors to). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A text-format exporter over {@link #registry()}. */
    public MetricsExporter exporter() {
        return new MetricsExporter(registry);
    }

    public void recordTransition(TransitionEvent e) {
        transitions.labelValues(e.router(), Integer.toString(e.vrid()), e.from().name(), e.to().name(), e.cause())
                .inc();
    }

    public void recordWeightChange(WeightChangeEvent e) {
        String direction = e.to() > e.from() ? "up" : e.to() < e.from() ? "down" : "same";
        weightChanges.labelValues(e.node(), direction).inc();
    }

    public void recordProbe(ProbeObservation p) {
        probeDuration.labelValues(p.node(), p.outcome()).observe(p.latency().toNanos() / 1e9);
    }

    public void recordNotify(NotifyResult r) {
        notifyRuns.labelValues(r.hook().keepalivedName(), r.outcome().name()).inc();
    }

    /** Builds the scrape-time families from the source's current snapshot. */
    private final class SnapshotCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            List<RouterMetricsView> routers = read("routers", source::routers);
            if (routers != null) {
                addRouters(out, routers);
            }
            List<PeerHealthView> peers = read("peers", source::peers);
            if (peers != null) {
                addPeers(out, peers);
            }
            List<DestinationCounters> destinations = read("destinations", source::destinations);
            if (destinations != null) {
                addDestinations(out, destinations);
            }
            out.add(sourceErrors.collect());
            return new MetricSnapshots(out);
        }

        // A failing source must not fail the whole scrape: the event counters are still worth having.
        private <T> List<T> read(String part, Supplier<List<T>> supplier) {
            try {
                return List.copyOf(supplier.get());
            } catch (RuntimeException e) {
                sourceErrors.labelValues(part).inc();
                LOG.warn("metrics: reading the cluster status ({}) failed; left out of this scrape", part, e);
                return null;
            }
        }
    }

    private static void addRouters(List<MetricSnapshot> out, List<RouterMetricsView> routers) {
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name(VRRP_STATE)
                .help("1 for the state each router is in, 0 for the others");
        GaugeSnapshot.Builder priority = GaugeSnapshot.builder().name(VRRP_PRIORITY)
                .help("The priority each router advertises now (0 = withdrawn)");
        CounterSnapshot.Builder received = CounterSnapshot.builder().name(VRRP_ADVERTISEMENTS_RECEIVED)
                .help("Valid VRRP advertisements received");
        CounterSnapshot.Builder sent = CounterSnapshot.builder().name(VRRP_ADVERTISEMENTS_SENT)
                .help("VRRP advertisements sent");
        CounterSnapshot.Builder sendErrors = CounterSnapshot.builder().name(VRRP_SEND_ERRORS)
                .help("VRRP advertisements that could not be sent");
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name(VRRP_PACKETS_DROPPED)
                .help("Received VRRP packets dropped, by reason");
        for (RouterMetricsView r : routers) {
            Labels labels = Labels.of("router", r.router(), "vrid", Integer.toString(r.vrid()));
            for (RouterState s : RouterState.values()) {
                state.dataPoint(gauge(labels.add("state", s.name()), r.state() == s ? 1 : 0));
            }
            priority.dataPoint(gauge(labels, r.priority()));
            received.dataPoint(counter(labels, r.advertisementsReceived()));
            sent.dataPoint(counter(labels, r.advertisementsSent()));
            sendErrors.dataPoint(counter(labels, r.sendErrors()));
            for (Map.Entry<String, Long> d : r.sortedDrops().entrySet()) {
                dropped.dataPoint(counter(labels.add("reason", d.getKey()), d.getValue()));
            }
        }
        out.add(state.build());
        out.add(priority.build());
        out.add(received.build());
        out.add(sent.build());
        out.add(sendErrors.build());
        out.add(dropped.build());
    }

    private static void addPeers(List<MetricSnapshot> out, List<PeerHealthView> peers) {
        GaugeSnapshot.Builder health = GaugeSnapshot.builder().name(NODE_HEALTH)
                .help("1 for each node's health state (UP, DOWN, UNKNOWN) as this node's probes judge it, 0 for the others");
        GaugeSnapshot.Builder weight = GaugeSnapshot.builder().name(NODE_WEIGHT)
                .help("The IPVS weight each node gets now (0 = no new connections)");
        GaugeSnapshot.Builder configured = GaugeSnapshot.builder().name(NODE_CONFIGURED_WEIGHT)
                .help("Each node's configured weight");
        for (PeerHealthView p : peers) {
            Labels labels = Labels.of("node", p.node(), "address", p.address(), "self", Boolean.toString(p.self()));
            for (HealthState s : HealthState.values()) {
                health.dataPoint(gauge(labels.add("state", s.name()), p.health() == s ? 1 : 0));
            }
            weight.dataPoint(gauge(labels, p.weight()));
            configured.dataPoint(gauge(labels, p.configuredWeight()));
        }
        out.add(health.build());
        out.add(weight.build());
        out.add(configured.build());
    }

    private static void addDestinations(List<MetricSnapshot> out, List<DestinationCounters> destinations) {
        GaugeSnapshot.Builder active = GaugeSnapshot.builder().name(IPVS_ACTIVE)
                .help("The kernel's active (established) connections per IPVS destination");
        GaugeSnapshot.Builder inactive = GaugeSnapshot.builder().name(IPVS_INACTIVE)
                .help("The kernel's inactive (not established) connections per IPVS destination");
        GaugeSnapshot.Builder weight = GaugeSnapshot.builder().name(IPVS_WEIGHT)
                .help("The weight the kernel has for each IPVS destination");
        for (DestinationCounters d : destinations) {
            Labels labels = Labels.of("service", d.service(), "destination", d.destination());
            active.dataPoint(gauge(labels, d.activeConnections()));
            inactive.dataPoint(gauge(labels, d.inactiveConnections()));
            weight.dataPoint(gauge(labels, d.weight()));
        }
        out.add(active.build());
        out.add(inactive.build());
        out.add(weight.build());
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
