package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsMetricsTest {
    private static final Instant AT = Instant.parse("2026-11-26T00:00:00Z");

    /** What the composition would publish: a mutable holder of immutable lists, swapped as snapshots change. */
    static final class Published implements ClusterMetricsSource {
        volatile List<RouterMetricsView> routers = List.of();
        volatile List<PeerHealthView> peers = List.of();
        volatile List<DestinationCounters> destinations = List.of();
        volatile RuntimeException failPeers;

        @Override
        public List<RouterMetricsView> routers() {
            return routers;
        }

        @Override
        public List<PeerHealthView> peers() {
            if (failPeers != null) {
                throw failPeers;
            }
            return peers;
        }

        @Override
        public List<DestinationCounters> destinations() {
            return destinations;
        }
    }

    @Test
    void exportsTheSnapshotAndTheValuesFollowIt() {
        Published src = new Published();
        OpsMetrics metrics = new OpsMetrics(src);
        MetricsExporter exporter = metrics.exporter();

        src.routers = List.of(new RouterMetricsView("main", 51, RouterState.BACKUP, 150, 10, 0, 0,
                Map.of("TTL", 2L, "CHECKSUM", 0L)));
        src.peers = List.of(
                new PeerHealthView("n1", "192.168.77.11", true, HealthState.UP, 100, 100),
                new PeerHealthView("n2", "192.168.77.12", false, HealthState.UP, 100, 100));
        TextFormat t = TextFormat.parse(exporter.render());
        assertEquals("gauge", t.types.get("selfbalance_vrrp_state"));
        assertEquals("counter", t.types.get("selfbalance_vrrp_advertisements_received_total"));
        assertEquals(1.0, t.value("selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "BACKUP"));
        assertEquals(0.0, t.value("selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "MASTER"));
        assertEquals(150.0, t.value("selfbalance_vrrp_priority", "router", "main", "vrid", "51"));
        assertEquals(10.0, t.value("selfbalance_vrrp_advertisements_received_total", "router", "main", "vrid", "51"));
        assertEquals(2.0, t.value("selfbalance_vrrp_packets_dropped_total", "router", "main", "vrid", "51", "reason", "TTL"));
        assertEquals(1.0, t.value("selfbalance_node_health", "node", "n2", "address", "192.168.77.12", "self", "false", "state", "UP"));
        assertEquals(100.0, t.value("selfbalance_node_weight", "node", "n2", "address", "192.168.77.12", "self", "false"));
        assertFalse(t.hasFamily("selfbalance_ipvs_active_connections"), "no IPVS destinations as backup");

        // The node becomes master, n2 fails, the kernel counts connections.
        src.routers = List.of(new RouterMetricsView("main", 51, RouterState.MASTER, 150, 12, 7, 1,
                Map.of("TTL", 3L, "CHECKSUM", 1L)));
        src.peers = List.of(
                new PeerHealthView("n1", "192.168.77.11", true, HealthState.UP, 100, 100),
                new PeerHealthView("n2", "192.168.77.12", false, HealthState.DOWN, 0, 100));
        src.destinations = List.of(
                new DestinationCounters("tcp 192.168.77.254:8080", "192.168.77.11:8080", 100, 42, 7),
                new DestinationCounters("tcp 192.168.77.254:8080", "192.168.77.12:8080", 0, 3, 120));
        t = TextFormat.parse(exporter.render());
        assertEquals(1.0, t.value("selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "MASTER"));
        assertEquals(0.0, t.value("selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "BACKUP"));
        assertEquals(7.0, t.value("selfbalance_vrrp_advertisements_sent_total", "router", "main", "vrid", "51"));
        assertEquals(1.0, t.value("selfbalance_vrrp_send_errors_total", "router", "main", "vrid", "51"));
        assertEquals(3.0, t.value("selfbalance_vrrp_packets_dropped_total", "router", "main", "vrid", "51", "reason", "TTL"));
        assertEquals(1.0, t.value("selfbalance_node_health", "node", "n2", "address", "192.168.77.12", "self", "false", "state", "DOWN"));
        assertEquals(0.0, t.value("selfbalance_node_weight", "node", "n2", "address", "192.168.77.12", "self", "false"));
        assertEquals(100.0, t.value("selfbalance_node_configured_weight", "node", "n2", "address", "192.168.77.12", "self", "false"));
        assertEquals(42.0, t.value("selfbalance_ipvs_active_connections", "service", "tcp 192.168.77.254:8080", "destination", "192.168.77.11:8080"));
        assertEquals(120.0, t.value("selfbalance_ipvs_inactive_connections", "service", "tcp 192.168.77.254:8080", "destination", "192.168.77.12:8080"));
        assertEquals(0.0, t.value("selfbalance_ipvs_destination_weight", "service", "tcp 192.168.77.254:8080", "destination", "192.168.77.12:8080"));
    }

    @Test
    void eventsAreCountedByCauseAndProbeLatenciesLandInBuckets() {
        OpsMetrics metrics = new OpsMetrics(ClusterMetricsSource.EMPTY);
        MetricsExporter exporter = metrics.exporter();
        TextFormat t = TextFormat.parse(exporter.render());
        assertNull(t.value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "51", "from", "BACKUP", "to", "MASTER", "cause", "MASTER_DOWN_TIMEOUT"));

        metrics.recordTransition(new TransitionEvent("main", 51, RouterState.INITIALIZE, RouterState.BACKUP, "STARTUP", null, 150, AT, null, null));
        metrics.recordTransition(new TransitionEvent("main", 51, RouterState.BACKUP, RouterState.MASTER, "MASTER_DOWN_TIMEOUT", "192.168.77.12", 150, AT, null, null));
        metrics.recordTransition(new TransitionEvent("main", 51, RouterState.MASTER, RouterState.BACKUP, "HIGHER_PRIORITY_SEEN", "192.168.77.12", 150, AT, null, null));
        metrics.recordTransition(new TransitionEvent("main", 51, RouterState.BACKUP, RouterState.MASTER, "MASTER_DOWN_TIMEOUT", "192.168.77.12", 150, AT, null, null));
        metrics.recordWeightChange(new WeightChangeEvent("n2", "192.168.77.12", 100, 0, 100, HealthState.DOWN, "fall", AT, null, null));
        metrics.recordWeightChange(new WeightChangeEvent("n2", "192.168.77.12", 0, 100, 100, HealthState.UP, "rise", AT, null, null));
        metrics.recordWeightChange(new WeightChangeEvent("n2", "192.168.77.12", 100, 20, 100, HealthState.UP, "asked", AT, null, null));
        metrics.recordProbe(new ProbeObservation("n2", "UP", Duration.ofNanos(800_000)));      // <= 1 ms
        metrics.recordProbe(new ProbeObservation("n2", "UP", Duration.ofMillis(30)));       // <= 50 ms
        metrics.recordProbe(new ProbeObservation("n2", "ERROR", Duration.ofSeconds(3)));    // over every bucket

        t = TextFormat.parse(exporter.render());
        assertEquals(2.0, t.value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "51", "from", "BACKUP", "to", "MASTER", "cause", "MASTER_DOWN_TIMEOUT"));
        assertEquals(1.0, t.value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "51", "from", "MASTER", "to", "BACKUP", "cause", "HIGHER_PRIORITY_SEEN"));
        assertEquals(1.0, t.value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "51", "from", "INITIALIZE", "to", "BACKUP", "cause", "STARTUP"));
        assertEquals(2.0, t.value("selfbalance_weight_changes_total", "node", "n2", "direction", "down"));
        assertEquals(1.0, t.value("selfbalance_weight_changes_total", "node", "n2", "direction", "up"));

        assertEquals("histogram", t.types.get("selfbalance_probe_duration_seconds"));
        assertEquals(0.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "UP", "le", "5.0E-4"));
        assertEquals(1.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "UP", "le", "0.001"));
        assertEquals(1.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "UP", "le", "0.025"));
        assertEquals(2.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "UP", "le", "0.05"));
        assertEquals(2.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "UP", "le", "+Inf"));
        assertEquals(2.0, t.value("selfbalance_probe_duration_seconds_count", "node", "n2", "outcome", "UP"));
        assertEquals(0.0308, t.value("selfbalance_probe_duration_seconds_sum", "node", "n2", "outcome", "UP"), 1e-9);
        assertEquals(0.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "ERROR", "le", "2.5"));
        assertEquals(1.0, t.value("selfbalance_probe_duration_seconds_bucket", "node", "n2", "outcome", "ERROR", "le", "+Inf"));
    }

    @Test
    void aFailingSourceLeavesOutItsPartOnlyAndIsCounted() {
        Published src = new Published();
        src.routers = List.of(new RouterMetricsView("main", 1, RouterState.MASTER, 100, 0, 5, 0, Map.of()));
        src.failPeers = new IllegalStateException("snapshot not published yet");
        OpsMetrics metrics = new OpsMetrics(src);
        TextFormat t = TextFormat.parse(metrics.exporter().render());
        assertEquals(5.0, t.value("selfbalance_vrrp_advertisements_sent_total", "router", "main", "vrid", "1"));
        assertFalse(t.hasFamily("selfbalance_node_weight"));
        assertEquals(1.0, t.value("selfbalance_metrics_source_errors_total", "part", "peers"));
        assertEquals(0.0, t.value("selfbalance_metrics_source_errors_total", "part", "routers"));
        src.failPeers = null;
        src.peers = List.of(new PeerHealthView("n1", "192.168.77.11", true, HealthState.UP, 7, 7));
        t = TextFormat.parse(metrics.exporter().render());
        assertEquals(7.0, t.value("selfbalance_node_weight", "node", "n1", "address", "192.168.77.11", "self", "true"));
        assertEquals(1.0, t.value("selfbalance_metrics_source_errors_total", "part", "peers"));
    }

    @Test
    void labelValuesAreEscapedInTheExposition() {
        Published src = new Published();
        src.peers = List.of(new PeerHealthView("odd \"name\"\\x\ny", "192.168.77.13", false, HealthState.UNKNOWN, 1, 1));
        String text = new OpsMetrics(src).exporter().render();
        TextFormat t = TextFormat.parse(text);
        assertEquals(1.0, t.value("selfbalance_node_health", "node", "odd \"name\"\\x\ny", "address", "192.168.77.13", "self", "false", "state", "UNKNOWN"));
        assertTrue(MetricsExporter.CONTENT_TYPE.startsWith("text/plain; version=0.0.4"), MetricsExporter.CONTENT_TYPE);
        assertFalse(text.contains("_created"), "no _created series");
    }

    @Test
    void twoInstancesDoNotShareValues() {
        OpsMetrics a = new OpsMetrics(ClusterMetricsSource.EMPTY);
        OpsMetrics b = new OpsMetrics(ClusterMetricsSource.EMPTY);
        a.recordTransition(new TransitionEvent("main", 1, RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 100, AT, null, null));
        assertEquals(1.0, TextFormat.parse(a.exporter().render()).value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "1", "from", "BACKUP", "to", "MASTER", "cause", "PREEMPT"));
        assertNull(TextFormat.parse(b.exporter().render()).value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "1", "from", "BACKUP", "to", "MASTER", "cause", "PREEMPT"));
    }
}
