package io.selfbalance.jetty.ops;

import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.ClusterMetricsSource;
import io.selfbalance.ops.DestinationCounters;
import io.selfbalance.ops.PeerHealthView;
import io.selfbalance.ops.RouterMetricsView;
import io.selfbalance.ops.RouterState;
import io.selfbalance.vrrp.DropReason;
import io.selfbalance.vrrp.VrrpStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The scrape-time metrics of one node, read from what the cluster layer has published: its latest
 * {@link StatusSnapshot} (roles, priorities, advertisement counts, node health and weights, and the kernel's IPVS
 * table with each destination's active and inactive connections, as the last IPVS dump on the control loop gave
 * them) and each VRRP router's own published status for what the snapshot does not carry (send errors, drops by
 * reason). Runs on HTTP threads and only reads immutable published values.
 */
public final class SnapshotMetricsSource implements ClusterMetricsSource {
    private final Supplier<StatusSnapshot> snapshots;
    private final Function<String, VrrpStatus> vrrpStatus;

    /**
     * @param snapshots the latest status snapshot, or null before the cluster layer exists
     * @param vrrpStatus a router's latest VRRP status by name, or null when it has none (not started, inactive)
     */
    public SnapshotMetricsSource(Supplier<StatusSnapshot> snapshots, Function<String, VrrpStatus> vrrpStatus) {
        this.snapshots = snapshots;
        this.vrrpStatus = vrrpStatus;
    }

    @Override
    public List<RouterMetricsView> routers() {
        StatusSnapshot s = snapshots.get();
        if (s == null) {
            return List.of();
        }
        List<RouterMetricsView> out = new ArrayList<>();
        for (StatusSnapshot.Router r : s.routers()) {
            VrrpStatus v = vrrpStatus.apply(r.name());
            Map<String, Long> drops = new TreeMap<>();
            if (v != null) {
                for (Map.Entry<DropReason, Long> d : v.drops().entrySet()) {
                    drops.put(d.getKey().name(), d.getValue());
                }
            }
            out.add(new RouterMetricsView(r.name(), r.vrid(), state(s.state(), r.role()), Math.max(0, r.priority()),
                    r.advertisementsReceived(), r.advertisementsSent(), v == null ? 0 : v.sendErrors(), drops));
        }
        return out;
    }

    @Override
    public List<PeerHealthView> peers() {
        StatusSnapshot s = snapshots.get();
        if (s == null) {
            return List.of();
        }
        List<PeerHealthView> out = new ArrayList<>();
        for (StatusSnapshot.Node n : s.nodes()) {
            out.add(new PeerHealthView(n.name(), n.address(), n.self(), ObservabilityBridge.health(n.health()), n.weight(),
                    n.configuredWeight()));
        }
        return out;
    }

    @Override
    public List<DestinationCounters> destinations() {
        StatusSnapshot s = snapshots.get();
        if (s == null) {
            return List.of();
        }
        List<DestinationCounters> out = new ArrayList<>();
        for (StatusSnapshot.Service service : s.ipvs()) {
            for (StatusSnapshot.Destination d : service.destinations()) {
                out.add(new DestinationCounters(service.service(), d.address(), d.weight(), d.activeConnections(),
                        d.inactiveConnections()));
            }
        }
        return out;
    }

    /**
     * A router of a cluster layer that cannot take part (INACTIVE) is in FAULT; otherwise its VRRP state
     * (INITIALIZE before start and after stop).
     */
    static RouterState state(StatusSnapshot.State cluster, String role) {
        if (cluster == StatusSnapshot.State.INACTIVE) {
            return RouterState.FAULT;
        }
        for (RouterState r : RouterState.values()) {
            if (r.name().equals(role)) {
                return r;
            }
        }
        return RouterState.INITIALIZE;
    }
}
