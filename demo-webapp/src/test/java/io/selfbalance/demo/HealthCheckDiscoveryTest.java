package io.selfbalance.demo;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks are found the way Selfbalance finds them: ServiceLoader on the webapp's class loader, classified by annotation. */
class HealthCheckDiscoveryTest {

    @Test
    void serviceFileListsOneCheckPerKind() {
        List<Class<?>> found = ServiceLoader.load(HealthCheck.class, getClass().getClassLoader()).stream()
            .<Class<?>>map(ServiceLoader.Provider::type).toList();
        assertEquals(List.of(DemoLivenessCheck.class, DemoReadinessCheck.class, DemoStartupCheck.class), found);
        assertTrue(DemoLivenessCheck.class.isAnnotationPresent(Liveness.class));
        assertTrue(DemoReadinessCheck.class.isAnnotationPresent(Readiness.class));
        assertTrue(DemoStartupCheck.class.isAnnotationPresent(Startup.class));
    }
}
