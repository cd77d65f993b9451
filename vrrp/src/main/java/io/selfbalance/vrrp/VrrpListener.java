package io.selfbalance.vrrp;

import java.net.InetAddress;

/**
 * Receives a router's events, always on its control loop thread, in the order they happen. A
 * planned resignation produces: {@code handoverStarted} (still MASTER: keep the VIP and data
 * plane) ... {@code handoverReleased} then {@code stateChanged(MASTER -> BACKUP or INITIALIZE)}:
 * release the VIP on the state change.
 */
public interface VrrpListener {

    /** The router changed state; on MASTER take the VIP, on leaving MASTER release it. */
    default void stateChanged(StateChange change) {}

    /** An advertisement went out (the composition refreshes the VIP's lifetime on it). */
    default void advertisementSent(VrrpAdvertisement advertisement, long atNanos) {}

    /** A planned resignation began: a priority 0 advertisement went out, the router still forwards. */
    default void handoverStarted(int vrid, long atNanos) {}

    /** The handover ended; a state change away from MASTER follows immediately. */
    default void handoverReleased(int vrid, HandoverOutcome outcome, InetAddress newMaster, long atNanos) {}

    /**
     * This MASTER heard an advertisement from another router that believes it is master too, with a lower
     * priority (or an equal priority and a lower primary address), kept mastership and answered it at once
     * (RFC 9568 6.4.3). Typically a partition healed: hosts on the other side cached the other router's MAC
     * for the VIPs, so re-announce them (gratuitous ARP / unsolicited NA) here. At most one call per
     * advertisement interval; the state stays MASTER.
     *
     * @param otherMaster   the other router's primary address (the advertisement's source)
     * @param otherPriority the priority it advertised
     */
    default void masterReasserted(int vrid, InetAddress otherMaster, int otherPriority, long atNanos) {}

    /** A received packet was dropped. */
    default void packetDropped(int vrid, DropReason reason, String detail) {}

    /** The transport failed to send or receive; the router keeps running. */
    default void transportError(int vrid, Exception error) {}

    /** A listener that ignores everything. */
    VrrpListener NONE = new VrrpListener() {};
}
