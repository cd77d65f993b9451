package io.selfbalance.jetty.testchecks;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Loaded by a child-first "webapp" class loader in WebappHealthChecksTest. */
@Readiness
public class ReadyCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("test-ready");
    }
}
