package io.selfbalance.demo;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Liveness: DOWN when the JVM has deadlocked threads (a restart is the only cure). */
@Liveness
public class DemoLivenessCheck implements HealthCheck {

    public static final String NAME = "demo-live";

    @Override
    public HealthCheckResponse call() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] deadlocked = threads.findDeadlockedThreads();
        Runtime runtime = Runtime.getRuntime();
        return HealthCheckResponse.named(NAME)
            .status(deadlocked == null)
            .withData("deadlockedThreads", deadlocked == null ? 0 : deadlocked.length)
            .withData("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory())
            .withData("heapMaxBytes", runtime.maxMemory())
            .build();
    }
}
