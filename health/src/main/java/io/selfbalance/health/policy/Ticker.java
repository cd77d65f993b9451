package io.selfbalance.health.policy;

/** A monotonic clock in nanoseconds, injectable so that policies can be driven by a virtual clock in tests. */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
