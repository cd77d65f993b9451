package io.selfbalance.jetty.ops;

import io.selfbalance.jetty.cluster.StatusSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Status snapshots as the cluster layer publishes them, for the adapters' tests. */
final class Snapshots {
    private Snapshots() {
    }

    static StatusSnapshot.Router router(String name, int vrid, String role, int priority, long sent, long received) {
        return new StatusSnapshot.Router(name, vrid, role, false, priority, 150, "192.168.77.11", 150, "MASTER_DOWN_TIMEOUT",
                "readiness UP", List.of(new StatusSnapshot.Vip("192.168.77.254/24", "interface", 30)), sent, received, sent);
    }

    static StatusSnapshot.Node node(String name, String address, boolean self, String health, int weight, String reason,
                                    long probeMillis) {
        return new StatusSnapshot.Node(name, address, self, health, weight, 1, reason, probeMillis < 0 ? null : "UP", probeMillis);
    }

    static StatusSnapshot snapshot(StatusSnapshot.State state, Instant at, List<StatusSnapshot.Router> routers,
                                   List<StatusSnapshot.Node> nodes, List<StatusSnapshot.Service> ipvs) {
        return new StatusSnapshot("n1", "192.168.77.11", "eth0", state, state == StatusSnapshot.State.INACTIVE ? "no IPVS" : null,
                at, routers, nodes, ipvs, List.of(), Map.of("roleSwitches", 1L), null);
    }
}
