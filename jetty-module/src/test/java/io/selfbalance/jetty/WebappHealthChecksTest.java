package io.selfbalance.jetty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.jetty.testchecks.LiveAndStartedCheck;
import io.selfbalance.jetty.testchecks.ReadyCheck;
import io.selfbalance.jetty.testchecks.UnannotatedCheck;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment hook against a real (embedded) Jetty handler tree: contexts with a class loader of their own
 * contribute the checks their {@code META-INF/services} lists, and lose them when they stop or leave the server.
 * (The same with the real distribution and a WAR: SelfbalanceModuleIT.)
 */
class WebappHealthChecksTest {

    @TempDir
    Path services;

    private final Server server = new Server();
    private final ContextHandlerCollection contexts = new ContextHandlerCollection(true);
    private final HealthRegistry registry = new HealthRegistry();
    private final java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private ClassLoader webappLoader(List<Class<?>> listed) throws IOException {
        return TestWebappLoader.create(services, listed);
    }

    private ContextHandler webapp(String path, ClassLoader loader) {
        ContextHandler context = new ContextHandler(path);
        context.setClassLoader(loader);
        return context;
    }

    @Test
    void checksFollowTheContextLifeCycle() throws Exception {
        server.setHandler(contexts);
        WebappHealthChecks hook = new WebappHealthChecks(registry, changes::incrementAndGet);
        server.addEventListener(hook);
        ClassLoader loader = webappLoader(List.of(ReadyCheck.class, LiveAndStartedCheck.class, UnannotatedCheck.class));
        ContextHandler deployedBeforeStart = webapp("/one", loader);
        contexts.addHandler(deployedBeforeStart);
        contexts.addHandler(new ContextHandler("/core")); // no class loader of its own: no checks
        server.start();

        assertEquals(1, registry.registrations(HealthKind.READINESS).size());
        assertEquals(1, registry.registrations(HealthKind.LIVENESS).size());
        assertEquals(1, registry.registrations(HealthKind.STARTUP).size());
        Object check = registry.registrations(HealthKind.READINESS).get(0).check();
        assertEquals(ReadyCheck.class.getName(), check.getClass().getName());
        assertNotSame(ReadyCheck.class, check.getClass(), "must be the webapp's class, not the test's");
        assertEquals(loader, check.getClass().getClassLoader());
        assertEquals(registry.registrations(HealthKind.LIVENESS).get(0).check(), registry.registrations(HealthKind.STARTUP).get(0).check(),
            "one instance for both of its kinds");
        assertEquals(Set.of(WebappHealthChecks.owner(deployedBeforeStart)),
            Set.copyOf(registry.registrations().stream().map(HealthRegistry.Registration::owner).toList()));

        // hot deploy of a second webapp, then its undeploy
        ContextHandler hotDeployed = webapp("/two", webappLoader(List.of(ReadyCheck.class)));
        contexts.addHandler(hotDeployed);
        hotDeployed.start();
        assertEquals(2, registry.registrations(HealthKind.READINESS).size());
        hotDeployed.stop();
        assertEquals(1, registry.registrations(HealthKind.READINESS).size(), "stopping a context removes its checks");
        hotDeployed.start();
        assertEquals(2, registry.registrations(HealthKind.READINESS).size(), "restarting brings them back, once");
        contexts.removeHandler(hotDeployed);
        assertEquals(1, registry.registrations(HealthKind.READINESS).size(), "removing a context removes its checks");

        deployedBeforeStart.stop();
        assertEquals(0, registry.registrations().size());
        assertEquals(6, changes.get(), "one change notification per registration and per removal");
    }

    @Test
    void listenerAddedAfterDeploymentFindsRunningContexts() throws Exception {
        server.setHandler(contexts);
        contexts.addHandler(webapp("/late", webappLoader(List.of(ReadyCheck.class))));
        server.start();
        WebappHealthChecks hook = new WebappHealthChecks(registry, changes::incrementAndGet);
        server.addEventListener(hook);
        assertEquals(1, registry.registrations(HealthKind.READINESS).size());
        hook.detachAll();
        assertEquals(0, registry.registrations().size());
    }

    @Test
    void kindsComeFromTheAnnotations() {
        assertEquals(Set.of(HealthKind.READINESS), WebappHealthChecks.kinds(ReadyCheck.class));
        assertEquals(Set.of(HealthKind.LIVENESS, HealthKind.STARTUP), WebappHealthChecks.kinds(LiveAndStartedCheck.class));
        assertTrue(WebappHealthChecks.kinds(UnannotatedCheck.class).isEmpty());
    }

    @Test
    void aBrokenServiceEntryDoesNotHideTheOthers() throws Exception {
        Path file = services.resolve("META-INF/services/org.eclipse.microprofile.health.HealthCheck");
        ClassLoader loader = webappLoader(List.of(ReadyCheck.class));
        Files.writeString(file, ReadyCheck.class.getName() + "\nio.selfbalance.jetty.testchecks.DoesNotExist\n");
        server.setHandler(contexts);
        server.addEventListener(new WebappHealthChecks(registry, changes::incrementAndGet));
        contexts.addHandler(webapp("/broken", loader));
        server.start();
        assertEquals(1, registry.registrations(HealthKind.READINESS).size());
    }
}
