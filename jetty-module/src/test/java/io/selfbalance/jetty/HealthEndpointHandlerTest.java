package io.selfbalance.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.SelfbalanceResponseProvider;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /health context in an embedded core Jetty, answering over real HTTP. */
class HealthEndpointHandlerTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HealthRegistry registry = new HealthRegistry();
    private final AtomicReference<HealthEvaluator> evaluator = new AtomicReference<>();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private Server server;
    private URI root;

    @BeforeEach
    void start() throws Exception {
        SelfbalanceResponseProvider.install();
        evaluator.set(new HealthEvaluator(registry, HealthSettings.defaults()));
        registry.register("test", HealthKind.LIVENESS, () -> HealthCheckResponse.up("alive"));
        registry.register("test", HealthKind.READINESS, () -> HealthCheckResponse.named("ready").status(ready.get()).withData("n", 7).build());
        registry.register("test", HealthKind.STARTUP, () -> HealthCheckResponse.up("started"));
        registry.applicationsDeployed();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(HealthEndpointHandler.newContext(evaluator::get));
        server.setHandler(contexts);
        server.start();
        root = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        evaluator.get().close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(root.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachEndpointAnswersItsKind() throws Exception {
        HttpResponse<String> live = send("GET", "/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("{\"status\":\"UP\",\"checks\":[{\"name\":\"alive\",\"status\":\"UP\"}]}", live.body());
        assertEquals("application/json; charset=UTF-8", live.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"status\":\"UP\",\"checks\":[{\"name\":\"ready\",\"status\":\"UP\",\"data\":{\"n\":7}}]}",
            send("GET", "/health/ready").body());
        assertEquals("{\"status\":\"UP\",\"checks\":[{\"name\":\"started\",\"status\":\"UP\"}]}", send("GET", "/health/started").body());
        String all = send("GET", "/health").body();
        assertTrue(all.contains("\"alive\"") && all.contains("\"ready\"") && all.contains("\"started\""), all);
        assertEquals(all.length(), send("GET", "/health/").body().length());
    }

    @Test
    void downIs503AndOnlyWhereTheCheckBelongs() throws Exception {
        ready.set(false);
        HttpResponse<String> readiness = send("GET", "/health/ready");
        assertEquals(503, readiness.statusCode());
        assertTrue(readiness.body().startsWith("{\"status\":\"DOWN\""), readiness.body());
        assertEquals(503, send("GET", "/health").statusCode());
        assertEquals(200, send("GET", "/health/live").statusCode());
    }

    @Test
    void headHasNoBodyOtherMethodsAndPathsAreRefused() throws Exception {
        HttpResponse<String> head = send("HEAD", "/health/live");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = send("POST", "/health/ready");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, send("GET", "/health/other").statusCode());
        assertEquals(404, send("GET", "/health/live/more").statusCode());
    }

    @Test
    void notStartedIs503() throws Exception {
        HealthEvaluator running = evaluator.getAndSet(null);
        try {
            assertEquals(503, send("GET", "/health/live").statusCode());
        } finally {
            evaluator.set(running);
        }
    }
}
