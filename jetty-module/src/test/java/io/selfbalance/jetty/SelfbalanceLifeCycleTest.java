package io.selfbalance.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.selfbalance.health.HealthKind;
import io.selfbalance.jetty.testchecks.LiveAndStartedCheck;
import io.selfbalance.jetty.testchecks.ReadyCheck;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bean in an embedded Jetty: start, serve /health from a webapp's checks, publish status, stop clean. */
class SelfbalanceLifeCycleTest {

    @TempDir
    Path webappRoot;

    @Test
    void lifeCycleOfTheBean() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection(true);
        server.setHandler(contexts);
        Map<String, String> properties = new LinkedHashMap<>();
        JettyBaseConfig.VALID.forEach(line -> properties.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        SelfbalanceLifeCycle bean = new SelfbalanceLifeCycle(server, contexts, properties, Optional.empty());
        server.addBean(bean, true);
        ContextHandler webapp = new ContextHandler("/app");
        webapp.setClassLoader(TestWebappLoader.create(webappRoot, List.of(ReadyCheck.class, LiveAndStartedCheck.class)));
        contexts.addHandler(webapp);
        assertEquals(SelfbalanceStatus.Phase.CONFIGURED, bean.status().phase());

        server.start();
        try {
            assertNotNull(bean.controlPlane());
            CompletableFuture<String> threadName = new CompletableFuture<>();
            bean.controlPlane().execute(() -> threadName.complete(Thread.currentThread().getName()));
            assertTrue(threadName.get(5, TimeUnit.SECONDS).startsWith("selfbalance-control"), threadName.get());
            // the webapp's three checks and Selfbalance's own drain check (readiness)
            SelfbalanceStatus status = awaitStatus(bean, SelfbalanceStatus.Phase.SERVING, 4);
            assertEquals(Map.of(HealthKind.LIVENESS, 1, HealthKind.READINESS, 2, HealthKind.STARTUP, 1), status.registeredChecks());
            assertEquals(List.of(WebappHealthChecks.owner(webapp)), status.webappsWithChecks());

            HttpResponse<String> ready = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            assertTrue(ready.body().startsWith("{\"status\":\"UP\",\"checks\":["), ready.body());
            assertTrue(ready.body().contains("{\"name\":\"test-ready\",\"status\":\"UP\"}"), ready.body());
            assertTrue(ready.body().contains("{\"name\":\"selfbalance-drain\",\"status\":\"UP\",\"data\":{\"draining\":false}}"), ready.body());
            // the interface of this test is lo: the cluster layer refuses to touch it and says why
            assertEquals("INACTIVE", bean.getClusterState());
            assertTrue(bean.getClusterStateReason().contains("loopback"), bean.getClusterStateReason());

            webapp.stop();
            status = awaitStatus(bean, SelfbalanceStatus.Phase.SERVING, 1);
            assertEquals(List.of(), status.webappsWithChecks());
        } finally {
            server.stop();
        }
        assertEquals(SelfbalanceStatus.Phase.STOPPED, bean.status().phase());
        assertNull(bean.controlPlane());
        assertNull(bean.healthEvaluator());
        assertEquals(0, bean.healthRegistry().registrations().size());
        assertTrue(!bean.healthRegistry().isApplicationsDeployed());
    }

    /** Snapshots are published by the control plane, asynchronously: wait for the expected one. */
    private static SelfbalanceStatus awaitStatus(SelfbalanceLifeCycle bean, SelfbalanceStatus.Phase phase, int checks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        SelfbalanceStatus status = bean.status();
        while (System.nanoTime() < deadline) {
            status = bean.status();
            int total = status.registeredChecks().values().stream().mapToInt(Integer::intValue).sum();
            if (status.phase() == phase && total == checks) {
                return status;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + phase + " snapshot with " + checks + " checks; last " + status);
    }
}
