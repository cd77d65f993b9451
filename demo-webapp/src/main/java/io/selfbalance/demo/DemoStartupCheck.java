package io.selfbalance.demo;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Startup: UP once the webapp has been initialized ({@link DemoLifecycle}), DOWN before and after. */
@Startup
public class DemoStartupCheck implements HealthCheck {

    public static final String NAME = "demo-started";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(DemoLifecycle.isStarted()).build();
    }
}
