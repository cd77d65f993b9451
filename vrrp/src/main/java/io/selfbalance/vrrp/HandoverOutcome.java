package io.selfbalance.vrrp;

/** How a make-before-break handover ended, i.e. why the old master released the addresses. */
public enum HandoverOutcome {
    /**
     * The new master's second advertisement arrived: it sent that one after its role switch (VIPs on its interface,
     * announced), so it forwards now and clients are moving to it; the old master may release.
     */
    NEW_MASTER_HEARD,
    /** No new master was heard within Master_Down_Interval; released anyway. */
    MASTER_DOWN_INTERVAL_ELAPSED,
    /** The router was stopped at once ({@code stop()}) while handing over. */
    STOPPED
}
