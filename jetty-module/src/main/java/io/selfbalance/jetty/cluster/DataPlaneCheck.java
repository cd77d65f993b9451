package io.selfbalance.jetty.cluster;

import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code selfbalance-data-plane}, a readiness check: DOWN when the kernel refused the data plane (no IPVS in the
 * kernel, no permission), with the failed operation and errno as {@code error}, and DOWN while the cluster layer has
 * not started yet (VIP not on {@code lo}); UP otherwise, including a node that is inactive by configuration (a
 * loopback interface), which touches nothing on purpose.
 *
 * <p>Readiness, not liveness: a node without a data plane cannot take VIP traffic (no VIP on {@code lo}, no IPVS),
 * so peers give it weight 0; restarting it would not help, so liveness stays UP and no supervisor restarts it in a
 * loop. Reads one volatile snapshot; any thread.
 */
public final class DataPlaneCheck implements io.selfbalance.health.InstantCheck {
    public static final String NAME = "selfbalance-data-plane";

    private final Supplier<StatusSnapshot> status;
    private final Supplier<String> failure;

    DataPlaneCheck(Supplier<StatusSnapshot> status, Supplier<String> failure) {
        this.status = status;
        this.failure = failure;
    }

    @Override
    public HealthCheckResponse call() {
        StatusSnapshot s = status.get();
        String error = failure.get();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).withData("state", s == null ? "NEW" : s.state().name());
        if (error != null) {
            return b.withData("error", error).down().build();
        }
        if (s == null || s.state() == StatusSnapshot.State.NEW) {
            // Jetty already serves, but the VIP is not on lo yet (nor the DR sysctls): a master that gave this node
            // weight now would forward VIP connections that this node drops
            return b.withData("reason", "starting: the VIP is not on lo yet").down().build();
        }
        if (s != null && s.stateReason() != null) {
            b.withData("reason", s.stateReason());
        }
        return b.up().build();
    }
}
