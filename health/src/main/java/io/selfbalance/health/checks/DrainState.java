package io.selfbalance.health.checks;

import java.util.Objects;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether this node is draining (leaving the pool on purpose, e.g. before a shutdown or a redeploy), and the
 * readiness check {@code selfbalance-drain} that reports it: DOWN while draining, with data {@code draining},
 * {@code reason} and {@code selfbalance.weight = 0} so that the weight drops to 0 at once instead of after
 * {@code fall} evaluations; UP otherwise. Register it as a readiness check.
 *
 * <p>Thread-safe: any thread may start or stop draining.
 */
public final class DrainState implements io.selfbalance.health.InstantCheck {

    public static final String NAME = "selfbalance-drain";

    private record State(boolean draining, String reason) {
    }

    private volatile State state = new State(false, "");

    /** Starts draining. @param reason why, shown in the health data (non-null) */
    public void startDraining(String reason) {
        state = new State(true, Objects.requireNonNull(reason, "reason"));
    }

    public void stopDraining() {
        state = new State(false, "");
    }

    public boolean isDraining() {
        return state.draining();
    }

    @Override
    public HealthCheckResponse call() {
        State s = state;
        if (!s.draining()) {
            return HealthCheckResponse.named(NAME).withData("draining", false).up().build();
        }
        return HealthCheckResponse.named(NAME).withData("draining", true).withData("reason", s.reason())
                .withData("selfbalance.weight", 0).down().build();
    }
}
