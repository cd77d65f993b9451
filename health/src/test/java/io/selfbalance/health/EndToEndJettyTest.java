package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.selfbalance.health.checks.DrainState;
import io.selfbalance.health.policy.HealthObservation;
import io.selfbalance.health.policy.WeightPolicy;
import io.selfbalance.health.probe.PeerProber;
import io.selfbalance.health.probe.PeerTarget;
import io.selfbalance.health.probe.ProbeOutcome;
import io.selfbalance.health.probe.ProbeResult;
import io.selfbalance.health.probe.ProbeSettings;

/**
 * The pieces together over real HTTP: a Jetty core handler serving the evaluator's reports (as the Jetty module
 * does), probed by the Netty prober, fed into the weight policy. Also the TCK's status codes seen by a plain HTTP
 * client.
 */
class EndToEndJettyTest {

    /** Minimal endpoint: GET /health[/live|/ready|/started] answered asynchronously from the evaluator. */
    static Handler healthHandler(HealthEvaluator evaluator) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                CompletableFuture<HealthReport> report;
                if (path.equals("/health")) {
                    report = evaluator.evaluateAllAsync();
                } else if (path.startsWith("/health/") && HealthKind.fromPathSegment(path.substring(8)) != null) {
                    report = evaluator.evaluateAsync(HealthKind.fromPathSegment(path.substring(8)));
                } else {
                    return false;
                }
                report.thenAccept(r -> {
                    response.setStatus(r.httpStatus());
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, HealthReport.contentType());
                    Content.Sink.write(response, true, r.toJson(), callback);
                });
                return true;
            }
        };
    }

    @Test
    void applicationWeightAndDrainReachThePolicyOverHttp() throws Exception {
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        AtomicLong askedWeight = new AtomicLong(100);
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.register("/shop", HealthKind.READINESS, () -> HealthCheckResponse.named("queue")
                .withData(WeightPolicy.WEIGHT_DATA_KEY, askedWeight.get()).up().build());
        registry.register("/shop", HealthKind.LIVENESS, () -> HealthCheckResponse.up("alive"));

        HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults().withCheckTimeout(Duration.ofSeconds(10)));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(healthHandler(evaluator));
        server.start();
        ProbeSettings settings = ProbeSettings.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20));
        WeightPolicy policy = new WeightPolicy(new WeightPolicy.Settings(2, 3, Duration.ofMinutes(5)), System::nanoTime);
        policy.setDestination("node1", 50);
        PeerTarget node1 = PeerTarget.of("node1", "http://127.0.0.1:" + connector.getLocalPort() + "/health/ready");
        try (PeerProber prober = PeerProber.create(settings)) {
            ProbeResult starting = prober.probe(node1).get(30, TimeUnit.SECONDS);
            assertEquals(ProbeOutcome.DOWN, starting.outcome(), "not deployed yet: readiness 503 " + starting);
            assertEquals(503, starting.httpStatus());
            assertEquals(0, policy.observe("node1", HealthObservation.of(starting)).weight());

            registry.applicationsDeployed();
            ProbeResult ready = prober.probe(node1).get(30, TimeUnit.SECONDS);
            assertEquals(ProbeOutcome.UP, ready.outcome(), ready.toString());
            policy.observe("node1", HealthObservation.of(ready));
            assertEquals(50, policy.observe("node1", HealthObservation.of(prober.probe(node1).get(30, TimeUnit.SECONDS))).weight(),
                    "rise=2: configured weight (the app's 100 is clamped to 50)");

            askedWeight.set(20);
            assertEquals(20, policy.observe("node1", HealthObservation.of(prober.probe(node1).get(30, TimeUnit.SECONDS))).weight(),
                    "the application sheds load");

            drain.startDraining("maintenance");
            ProbeResult draining = prober.probe(node1).get(30, TimeUnit.SECONDS);
            assertEquals(ProbeOutcome.DOWN, draining.outcome());
            assertTrue(draining.reason().contains("selfbalance-drain"), draining.reason());
            assertEquals(0, policy.observe("node1", HealthObservation.of(draining)).weight(), "drain: weight 0 at once");

            // Measured, not asserted: a full probe of a live evaluator over a kept-alive connection.
            drain.stopDraining();
            int n = 200;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                prober.probe(node1).get(30, TimeUnit.SECONDS);
            }
            System.out.printf("end-to-end probe of /health/ready (2 checks): %.2f ms mean over %d%n",
                    (System.nanoTime() - t0) / 1e6 / n, n);
        } finally {
            server.stop();
            evaluator.close();
        }
    }

    @Test
    void statusCodesOverPlainHttp() throws Exception {
        HealthRegistry registry = new HealthRegistry();
        registry.register("/app", HealthKind.LIVENESS, () -> HealthCheckResponse.up("successful-check"));
        registry.register("/app", HealthKind.READINESS, () -> HealthCheckResponse.down("failed-check"));
        HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults().withCheckTimeout(Duration.ofSeconds(10)));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(healthHandler(evaluator));
        server.start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            registry.applicationsDeployed();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            String[][] expected = {{"/health", "503"}, {"/health/live", "200"}, {"/health/ready", "503"}, {"/health/started", "200"}};
            for (String[] e : expected) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + e[0])).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(Integer.parseInt(e[1]), r.statusCode(), e[0]);
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
                HealthSchema.assertValid(r.body());
            }
            evaluator.close();
            HttpResponse<String> stopped = client.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, stopped.statusCode());
            HealthSchema.assertValid(stopped.body());
        } finally {
            server.stop();
            evaluator.close();
        }
    }
}
