package io.selfbalance.jetty.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.ClusterMetricsSource;
import io.selfbalance.ops.DestinationCounters;
import io.selfbalance.ops.HealthState;
import io.selfbalance.ops.OpsMetrics;
import io.selfbalance.ops.PeerHealthView;
import io.selfbalance.ops.RouterMetricsView;
import io.selfbalance.ops.RouterState;
import io.selfbalance.vrrp.DropReason;
import io.selfbalance.vrrp.TransitionCause;
import io.selfbalance.vrrp.VrrpState;
import io.selfbalance.vrrp.VrrpStatus;
import java.net.InetAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The metrics read at scrape time from the published status snapshot and the routers' VRRP status. */
class SnapshotMetricsSourceTest {

    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    private static StatusSnapshot master() {
        return Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0,
                List.of(Snapshots.router("main", 51, "MASTER", 150, 40, 3), Snapshots.router("second", 52, "BACKUP", 0, 0, 77)),
                List.of(Snapshots.node("n1", "192.168.77.11", true, "UP", 1, "UP: HTTP 200", 3),
                        Snapshots.node("n2", "192.168.77.12", false, "DOWN", 0, "DOWN: 3 failed probes", 500),
                        Snapshots.node("n3", "192.168.77.13", false, "UNKNOWN", 0, "no health result yet", -1)),
                List.of(new StatusSnapshot.Service("TCP 192.168.77.254:8080", "wrr", List.of(
                        new StatusSnapshot.Destination("192.168.77.11:8080", 1, 3, 7),
                        new StatusSnapshot.Destination("192.168.77.12:8080", 0, 0, 2)))));
    }

    private static VrrpStatus vrrp(int vrid, long sendErrors, Map<DropReason, Long> drops) throws Exception {
        Map<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            all.put(r, drops.getOrDefault(r, 0L));
        }
        return new VrrpStatus(vrid, VrrpState.MASTER, false, 150, InetAddress.getByName("192.168.77.11"), 150, 100, 3_600_000_000L,
                TransitionCause.MASTER_DOWN_TIMEOUT, 3, 999, sendErrors, all, 2);
    }

    @Test
    void routersPeersAndKernelCountersComeFromTheSnapshot() throws Exception {
        VrrpStatus main = vrrp(51, 2, Map.of(DropReason.TTL, 4L, DropReason.UNKNOWN_VRID, 9L));
        SnapshotMetricsSource source = new SnapshotMetricsSource(SnapshotMetricsSourceTest::master,
                name -> name.equals("main") ? main : null);

        List<RouterMetricsView> routers = source.routers();
        assertEquals(2, routers.size());
        RouterMetricsView r = routers.get(0);
        assertEquals("main", r.router());
        assertEquals(51, r.vrid());
        assertEquals(RouterState.MASTER, r.state());
        assertEquals(150, r.priority());
        // advertisement counts as the status JSON shows them; send errors and drops from the router itself
        assertEquals(40, r.advertisementsSent());
        assertEquals(3, r.advertisementsReceived());
        assertEquals(2, r.sendErrors());
        assertEquals(4L, r.dropsByReason().get("TTL"));
        assertEquals(9L, r.dropsByReason().get("UNKNOWN_VRID"));
        assertEquals(DropReason.values().length, r.dropsByReason().size());
        RouterMetricsView second = routers.get(1);
        assertEquals(RouterState.BACKUP, second.state());
        assertEquals(0, second.priority());
        assertEquals(0, second.sendErrors());
        assertTrue(second.dropsByReason().isEmpty(), "no VRRP status known for it");

        assertEquals(List.of(
                new PeerHealthView("n1", "192.168.77.11", true, HealthState.UP, 1, 1),
                new PeerHealthView("n2", "192.168.77.12", false, HealthState.DOWN, 0, 1),
                new PeerHealthView("n3", "192.168.77.13", false, HealthState.UNKNOWN, 0, 1)), source.peers());
        assertEquals(List.of(
                new DestinationCounters("TCP 192.168.77.254:8080", "192.168.77.11:8080", 1, 3, 7),
                new DestinationCounters("TCP 192.168.77.254:8080", "192.168.77.12:8080", 0, 0, 2)), source.destinations());
    }

    @Test
    void exposedInPrometheusTextAtEachScrape() throws Exception {
        AtomicReference<StatusSnapshot> current = new AtomicReference<>(master());
        VrrpStatus main = vrrp(51, 0, Map.of(DropReason.CHECKSUM, 1L));
        OpsMetrics metrics = new OpsMetrics(new SnapshotMetricsSource(current::get, name -> name.equals("main") ? main : null));
        String text = metrics.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "MASTER"));
        assertEquals(0, Exposition.value(text, "selfbalance_vrrp_state", "router", "main", "vrid", "51", "state", "BACKUP"));
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_state", "router", "second", "vrid", "52", "state", "BACKUP"));
        assertEquals(40, Exposition.value(text, "selfbalance_vrrp_advertisements_sent_total", "router", "main"));
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_packets_dropped_total", "router", "main", "reason", "CHECKSUM"));
        assertEquals(0, Exposition.value(text, "selfbalance_node_weight", "node", "n2", "address", "192.168.77.12", "self", "false"));
        assertEquals(1, Exposition.value(text, "selfbalance_node_health", "node", "n2", "state", "DOWN"));
        assertEquals(3, Exposition.value(text, "selfbalance_ipvs_active_connections",
                "service", "TCP 192.168.77.254:8080", "destination", "192.168.77.11:8080"));
        assertEquals(7, Exposition.value(text, "selfbalance_ipvs_inactive_connections",
                "service", "TCP 192.168.77.254:8080", "destination", "192.168.77.11:8080"));
        assertEquals(2, Exposition.value(text, "selfbalance_ipvs_inactive_connections", "destination", "192.168.77.12:8080"));

        // the next scrape reads the next snapshot: this node lost mastership, the kernel table is gone
        current.set(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0.plusSeconds(5),
                List.of(Snapshots.router("main", 51, "BACKUP", 150, 41, 9)), List.of(), List.of()));
        text = metrics.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_state", "router", "main", "state", "BACKUP"));
        assertEquals(9, Exposition.value(text, "selfbalance_vrrp_advertisements_received_total", "router", "main"));
        assertFalse(Exposition.has(text, "selfbalance_ipvs_active_connections"), text);
    }

    @Test
    void inactiveClusterLayerShowsItsRoutersInFault() {
        StatusSnapshot inactive = Snapshots.snapshot(StatusSnapshot.State.INACTIVE, T0,
                List.of(Snapshots.router("main", 51, "INITIALIZE", 0, 0, 0)), List.of(), List.of());
        List<RouterMetricsView> routers = new SnapshotMetricsSource(() -> inactive, name -> null).routers();
        assertEquals(RouterState.FAULT, routers.get(0).state());
        // and after the stop the router is INITIALIZE again
        StatusSnapshot stopped = Snapshots.snapshot(StatusSnapshot.State.STOPPED, T0,
                List.of(Snapshots.router("main", 51, "INITIALIZE", 0, 0, 0)), List.of(), List.of());
        assertEquals(RouterState.INITIALIZE, new SnapshotMetricsSource(() -> stopped, name -> null).routers().get(0).state());
    }

    @Test
    void nothingBeforeTheClusterLayerExists() {
        ClusterMetricsSource source = new SnapshotMetricsSource(() -> null, name -> null);
        assertEquals(List.of(), source.routers());
        assertEquals(List.of(), source.peers());
        assertEquals(List.of(), source.destinations());
    }
}
