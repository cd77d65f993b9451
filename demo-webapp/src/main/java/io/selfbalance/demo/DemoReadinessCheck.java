package io.selfbalance.demo;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: DOWN while the operator's switch file exists (see {@link ReadinessSwitch}). */
@Readiness
public class DemoReadinessCheck implements HealthCheck {

    public static final String NAME = "demo-ready";

    @Override
    public HealthCheckResponse call() {
        ReadinessSwitch readiness = ReadinessSwitch.current();
        return HealthCheckResponse.named(NAME)
            .status(!readiness.isDown())
            .withData("downFile", readiness.downFile().toString())
            .build();
    }
}
