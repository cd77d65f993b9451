package io.selfbalance.vrrp;

/** How a make-before-break handover ended, i.e. why the old master released the addresses. */
public enum HandoverOutcome {
    /** The new master's first advertisement arrived: it forwards now, the old master may release. */
    NEW_MASTER_HEARD,
    /** No new master was heard within Master_Down_Interval; released anyway. */
    MASTER_DOWN_INTERVAL_ELAPSED,
    /** The router was stopped at once ({@code stop()}) while handing over. */
    STOPPED
}
