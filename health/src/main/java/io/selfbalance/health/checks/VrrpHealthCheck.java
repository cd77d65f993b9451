package io.selfbalance.health.checks;

import java.util.Objects;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code selfbalance-vrrp}: UP while the router takes part in the election (BACKUP or MASTER), DOWN while it is
 * initializing, in fault, or has not reported yet. Data: {@code vrrp.vrid}, {@code vrrp.state},
 * {@code vrrp.priority} and, when known, {@code vrrp.master}.
 *
 * <p>The supplier is called on a health thread; it must return a published immutable snapshot (never touch the
 * control-plane state directly).
 */
public final class VrrpHealthCheck implements HealthCheck {

    public static final String NAME = "selfbalance-vrrp";

    private final Supplier<VrrpStatus> status;

    public VrrpHealthCheck(Supplier<VrrpStatus> status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    public HealthCheckResponse call() {
        VrrpStatus s = status.get();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        if (s == null) {
            return b.withData("vrrp.state", "UNKNOWN").withData("rootCause", "no VRRP status published yet").down().build();
        }
        b.withData("vrrp.vrid", s.vrid()).withData("vrrp.state", s.role().name()).withData("vrrp.priority", s.priority());
        if (s.masterAddress() != null) {
            b.withData("vrrp.master", s.masterAddress());
        }
        return b.status(s.role() == VrrpStatus.Role.BACKUP || s.role() == VrrpStatus.Role.MASTER).build();
    }
}
