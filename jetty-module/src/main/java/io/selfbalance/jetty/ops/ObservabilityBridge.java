package io.selfbalance.jetty.ops;

import io.selfbalance.health.probe.PeerMonitor;
import io.selfbalance.ipvs.Addresses;
import io.selfbalance.jetty.cluster.ClusterObserver;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.HealthState;
import io.selfbalance.ops.Observability;
import io.selfbalance.ops.ProbeObservation;
import io.selfbalance.ops.RouterState;
import io.selfbalance.ops.TransitionEvent;
import io.selfbalance.ops.WeightChangeEvent;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.VrrpRouter;
import io.selfbalance.vrrp.VrrpState;
import io.selfbalance.vrrp.VrrpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the cluster layer's events into the ops module's records and hands them to {@link Observability}:
 * <ul>
 * <li>VRRP state changes, after their role switch, with cause, peer, priority, time in the previous state and how
 * long the switch took (log line, transition counter, notify hooks);</li>
 * <li>weight changes, found by comparing each published snapshot's node weights with the previous one, so every
 * cause is seen: probe results, stale results, the drain at stop;</li>
 * <li>each probe's latency (histogram);</li>
 * <li>a cluster layer that cannot take part (state INACTIVE: no IPVS, loopback interface...) puts every router in
 * FAULT, as keepalived does for a router whose interface is unusable, so {@code notify_fault} runs; at stop those
 * routers go to INITIALIZE ({@code notify_stop}).</li>
 * </ul>
 * Called on the control-plane loop only (its maps are loop-owned); {@link #vrrpStatus(String)} is for any thread.
 * Never throws into the cluster layer: a failing conversion is logged and skipped.
 */
public final class ObservabilityBridge implements ClusterObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ObservabilityBridge.class);
    /** The cause of the synthetic transitions into FAULT. */
    public static final String INACTIVE_CAUSE = "INACTIVE";
    public static final String SHUTDOWN_CAUSE = "SHUTDOWN";

    private final Observability ops;
    private final RouterStatuses statuses;

    // ---- loop ----
    private final Map<String, Long> lastTransitionNanos = new HashMap<>();
    private final Map<String, WeightSeen> weights = new HashMap<>();
    private final Set<String> faulted = new LinkedHashSet<>();
    private Instant faultedAt;

    private record WeightSeen(int weight, Instant since) {
    }

    public ObservabilityBridge(Observability ops, RouterStatuses statuses) {
        this.ops = ops;
        this.statuses = statuses;
    }

    /** The latest VRRP status of {@code router}, or null before it was created; any thread. */
    public VrrpStatus vrrpStatus(String router) {
        return statuses.get(router);
    }

    @Override
    public void routerCreated(String router, VrrpRouter vrrp) {
        statuses.put(router, vrrp::status);
    }

    @Override
    public void transition(String router, StateChange change, Instant at, Duration switchTook) {
        try {
            Long previous = lastTransitionNanos.put(router, change.atNanos());
            Duration inPrevious = previous == null ? null : Duration.ofNanos(Math.max(0, change.atNanos() - previous));
            VrrpStatus s = statuses.get(router);
            int priority = s == null ? 0 : Math.max(0, Math.min(255, s.priority()));
            ops.onTransition(new TransitionEvent(router, change.vrid(), state(change.from()), state(change.to()),
                    change.cause().name(), change.peer() == null ? null : Addresses.format(change.peer()), priority, at,
                    inPrevious, switchTook));
        } catch (RuntimeException e) {
            LOG.warn("Selfbalance: could not report the transition of router {} ({}): {}", router, change, e.toString());
        }
    }

    @Override
    public void probe(PeerMonitor.PeerState result) {
        try {
            ops.onProbe(new ProbeObservation(result.peer().id(), result.last().outcome().name(), result.last().latency()));
        } catch (RuntimeException e) {
            LOG.warn("Selfbalance: could not record the probe of {}: {}", result.peer().id(), e.toString());
        }
    }

    @Override
    public void published(StatusSnapshot snapshot) {
        try {
            weightChanges(snapshot);
            faults(snapshot);
        } catch (RuntimeException e) {
            LOG.warn("Selfbalance: could not report the status published at {}: {}", snapshot.published(), e.toString());
        }
    }

    private void weightChanges(StatusSnapshot snapshot) {
        Instant at = snapshot.published();
        for (StatusSnapshot.Node n : snapshot.nodes()) {
            WeightSeen before = weights.get(n.name());
            if (before == null) {
                // the first weight seen is the starting point, not a change
                weights.put(n.name(), new WeightSeen(n.weight(), null));
                continue;
            }
            if (before.weight() == n.weight()) {
                continue;
            }
            weights.put(n.name(), new WeightSeen(n.weight(), at));
            Duration held = before.since() == null ? null : nonNegative(Duration.between(before.since(), at));
            Duration probe = n.lastProbe() == null || n.lastProbeLatencyMillis() < 0 ? null : Duration.ofMillis(n.lastProbeLatencyMillis());
            ops.onWeightChange(new WeightChangeEvent(n.name(), n.address(), before.weight(), n.weight(), n.configuredWeight(),
                    health(n.health()), n.reason() == null ? "" : n.reason(), at, held, probe));
        }
    }

    private void faults(StatusSnapshot snapshot) {
        if (snapshot.state() == StatusSnapshot.State.INACTIVE && faulted.isEmpty()) {
            faultedAt = snapshot.published();
            for (StatusSnapshot.Router r : snapshot.routers()) {
                faulted.add(r.name());
                ops.onTransition(new TransitionEvent(r.name(), r.vrid(), RouterState.INITIALIZE, RouterState.FAULT,
                        INACTIVE_CAUSE, null, clamp(r.priority()), snapshot.published(), null, null));
            }
        } else if (snapshot.state() == StatusSnapshot.State.STOPPED && !faulted.isEmpty()) {
            for (StatusSnapshot.Router r : snapshot.routers()) {
                if (faulted.contains(r.name())) {
                    ops.onTransition(new TransitionEvent(r.name(), r.vrid(), RouterState.FAULT, RouterState.INITIALIZE,
                            SHUTDOWN_CAUSE, null, clamp(r.priority()), snapshot.published(),
                            nonNegative(Duration.between(faultedAt, snapshot.published())), null));
                }
            }
            faulted.clear();
        }
    }

    /** The operator's view of a router state. */
    static RouterState state(VrrpState s) {
        return switch (s) {
            case INITIALIZE -> RouterState.INITIALIZE;
            case BACKUP -> RouterState.BACKUP;
            case MASTER -> RouterState.MASTER;
        };
    }

    /** The health names of the status snapshot (UP, DOWN, UNKNOWN); anything else counts as UNKNOWN. */
    static HealthState health(String name) {
        if (name != null) {
            for (HealthState h : HealthState.values()) {
                if (h.name().equals(name)) {
                    return h;
                }
            }
        }
        return HealthState.UNKNOWN;
    }

    private static int clamp(int priority) {
        return Math.max(0, Math.min(255, priority));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * The VRRP routers' published statuses by router name, shared by the bridge (which learns the routers) and the
     * metrics source (which reads them on scrape threads).
     */
    public static final class RouterStatuses {
        private final java.util.concurrent.ConcurrentHashMap<String, Supplier<VrrpStatus>> byName =
                new java.util.concurrent.ConcurrentHashMap<>();

        public void put(String router, Supplier<VrrpStatus> status) {
            byName.put(router, status);
        }

        /** The router's latest status, or null when unknown. */
        public VrrpStatus get(String router) {
            Supplier<VrrpStatus> s = byName.get(router);
            return s == null ? null : s.get();
        }

        public void clear() {
            byName.clear();
        }
    }
}
