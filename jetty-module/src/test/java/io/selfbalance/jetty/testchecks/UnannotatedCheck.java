package io.selfbalance.jetty.testchecks;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** No kind annotation: ignored with a warning. */
public class UnannotatedCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("test-unannotated");
    }
}
