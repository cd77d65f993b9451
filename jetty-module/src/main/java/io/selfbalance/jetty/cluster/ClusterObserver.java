package io.selfbalance.jetty.cluster;

import io.selfbalance.health.probe.PeerMonitor;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.VrrpRouter;
import java.time.Duration;
import java.time.Instant;

/**
 * What the cluster layer tells observers (metrics, structured log lines, notify hooks: see
 * {@code io.selfbalance.jetty.ops.ObservabilityBridge}). Every method is called on the control-plane loop, in
 * order, and must return quickly without blocking; an observer must not throw (the controller does not guard
 * against it, so the protocol code stays free of observer concerns).
 */
public interface ClusterObserver {

    /** Observes nothing. */
    ClusterObserver NONE = new ClusterObserver() {
    };

    /** A virtual router was created, before it starts; its {@link VrrpRouter#status()} may be read from any thread. */
    default void routerCreated(String router, VrrpRouter vrrp) {
    }

    /**
     * A router changed state and its role switch (VIP, ARP/NA, IPVS) has been done.
     *
     * @param at wall-clock time of the change
     * @param switchTook how long the role switch's work for the new state took on the loop
     */
    default void transition(String router, StateChange change, Instant at, Duration switchTook) {
    }

    /** One probe of one node finished (every node probes every node, itself included). */
    default void probe(PeerMonitor.PeerState result) {
    }

    /** A new status snapshot was published (weights, health, roles, the kernel's IPVS table). */
    default void published(StatusSnapshot snapshot) {
    }
}
