package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.Map;

/**
 * An immutable snapshot of a router, published after every change; safe to read from any thread.
 *
 * @param state                 current state
 * @param handingOver           MASTER and resigning: still forwarding until released
 * @param priority              current local priority (0 = withdrawn: never becomes master)
 * @param masterAddress         the current master's primary address as last heard (ours when MASTER), or null
 * @param masterPriority        the current master's priority as last heard, or -1
 * @param masterAdverIntervalCentis the interval backups time the master with (learned from it in v3)
 * @param masterDownIntervalNanos   3 * Master_Adver_Interval + Skew_Time (v2: with the local interval)
 * @param lastCause             cause of the last transition, or null before any
 * @param advertisementsReceived valid advertisements received
 * @param advertisementsSent    advertisements sent (each unicast copy counts)
 * @param sendErrors            sends the transport refused
 * @param drops                 dropped packets by reason (all reasons present)
 * @param transitions           state transitions
 * @param reassertions          times this MASTER answered another (lower) master and told the listener
 *                              ({@link VrrpListener#masterReasserted}; at most one per advertisement interval)
 */
public record VrrpStatus(int vrid, VrrpState state, boolean handingOver, int priority, InetAddress masterAddress,
                         int masterPriority, int masterAdverIntervalCentis, long masterDownIntervalNanos,
                         TransitionCause lastCause, long advertisementsReceived, long advertisementsSent,
                         long sendErrors, Map<DropReason, Long> drops, long transitions, long reassertions) {
    public VrrpStatus {
        drops = Map.copyOf(drops);
    }

    /** A snapshot without reassertions (the shape before they were counted). */
    public VrrpStatus(int vrid, VrrpState state, boolean handingOver, int priority, InetAddress masterAddress,
                      int masterPriority, int masterAdverIntervalCentis, long masterDownIntervalNanos,
                      TransitionCause lastCause, long advertisementsReceived, long advertisementsSent,
                      long sendErrors, Map<DropReason, Long> drops, long transitions) {
        this(vrid, state, handingOver, priority, masterAddress, masterPriority, masterAdverIntervalCentis,
                masterDownIntervalNanos, lastCause, advertisementsReceived, advertisementsSent, sendErrors, drops,
                transitions, 0);
    }

    public long dropped(DropReason r) {
        return drops.getOrDefault(r, 0L);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
