package io.selfbalance.health.checks;

import java.util.Objects;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code selfbalance-dataplane}: UP when the IPVS table is in sync with the desired table and the VIP is on exactly
 * the interface it should be on. Data: {@code ipvs.inSync}, {@code ipvs.differences}, {@code vip},
 * {@code vip.expectedOn}, {@code vip.foundOn} (comma-separated, empty when nowhere).
 */
public final class DataPlaneHealthCheck implements HealthCheck {

    public static final String NAME = "selfbalance-dataplane";

    private final Supplier<DataPlaneStatus> status;

    public DataPlaneHealthCheck(Supplier<DataPlaneStatus> status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    public HealthCheckResponse call() {
        DataPlaneStatus s = status.get();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        if (s == null) {
            return b.withData("rootCause", "no data plane status published yet").down().build();
        }
        return b.withData("ipvs.inSync", s.ipvsTableInSync())
                .withData("ipvs.differences", s.ipvsDifferences())
                .withData("vip", s.vip())
                .withData("vip.expectedOn", s.vipExpectedOn())
                .withData("vip.foundOn", String.join(",", s.vipFoundOn()))
                .status(s.ipvsTableInSync() && s.vipPlacedCorrectly())
                .build();
    }
}
