package io.selfbalance.ops;

/** A node's health as the master's probes judge it after rise/fall; {@link #UNKNOWN} before enough probes. */
public enum HealthState {
    UP, DOWN, UNKNOWN
}
