package io.selfbalance.vrrp;

/** Why a router changed state. */
public enum TransitionCause {
    /** Initialize -> Backup on start (or -> Master for the address owner, priority 255). */
    STARTUP,
    /** Backup -> Master: no advertisement within Master_Down_Interval. */
    MASTER_DOWN_TIMEOUT,
    /** Backup -> Master: the master has lower priority and preemption is on (its adverts were discarded). */
    PREEMPT,
    /** Backup -> Master: the master announced priority 0 and Skew_Time passed. */
    PRIORITY_ZERO_RECEIVED,
    /** Master -> Backup: an advertisement with higher priority arrived. */
    HIGHER_PRIORITY_SEEN,
    /** Master -> Backup: equal priority from a higher primary address. */
    EQUAL_PRIORITY_HIGHER_ADDRESS,
    /** Master -> Backup after a planned resignation ({@code resign()} or priority 0) finished its handover. */
    RESIGN,
    /** Any -> Initialize: the router was stopped. */
    SHUTDOWN
}
