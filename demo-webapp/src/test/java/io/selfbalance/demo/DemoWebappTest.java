package io.selfbalance.demo;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real WEB-INF/web.xml in an embedded Jetty ee10 WebAppContext and calls it over HTTP. */
class DemoWebappTest {

    @TempDir
    static Path base;

    private static Server server;
    private static URI root;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(DemoSettings.NODE_PROPERTY, "test-node-1");
        System.setProperty(DemoSettings.DOWN_FILE_PROPERTY, base.resolve("demo.down").toString());
        SimpleResponseProvider.install();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setBaseResourceAsString(Path.of("src/main/webapp").toAbsolutePath().toString());
        webapp.setParentLoaderPriority(true);
        server.setHandler(webapp);
        server.start();
        root = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        System.clearProperty(DemoSettings.NODE_PROPERTY);
        System.clearProperty(DemoSettings.DOWN_FILE_PROPERTY);
    }

    @BeforeEach
    void readinessUp() throws Exception {
        Files.deleteIfExists(base.resolve("demo.down"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(root.resolve(path)).POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), () -> field + " missing in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void whoamiNamesNodeAddressAndTime() throws Exception {
        HttpResponse<String> response = get("/api/whoami");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        String body = response.body();
        assertTrue(body.contains("\"node\":\"test-node-1\""), body);
        assertTrue(body.contains("\"localAddress\":\"127.0.0.1\""), body);
        assertTrue(body.contains("\"client\":\"127.0.0.1\""), body);
        assertTrue(body.matches(".*\"time\":\"\\d{4}-\\d\\d-\\d\\dT.*Z\".*"), body);
        assertEquals(ProcessHandle.current().pid(), number(body, "pid"));
    }

    @Test
    void workBurnsCpuForTheRequestedTime() throws Exception {
        HttpResponse<String> response = get("/api/work?ms=120");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(number(response.body(), "elapsedMs") >= 120, response.body());
        assertTrue(number(response.body(), "rounds") > 0, response.body());
    }

    @Test
    void sleepAnswersAfterTheRequestedTime() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = get("/api/sleep?ms=300");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(number(response.body(), "elapsedMs") >= 300, response.body());
        assertTrue(tookMs >= 300, "answered after " + tookMs + " ms");
    }

    @Test
    void durationsOutsideTheBoundsAreRejectedNamingTheParameter() throws Exception {
        HttpResponse<String> tooLong = get("/api/sleep?ms=30001");
        assertEquals(400, tooLong.statusCode());
        assertTrue(tooLong.body().contains("'ms'=30001") && tooLong.body().contains("0..30000"), tooLong.body());
        HttpResponse<String> negative = get("/api/work?ms=-5");
        assertEquals(400, negative.statusCode());
        assertTrue(negative.body().contains("0..10000"), negative.body());
        HttpResponse<String> notANumber = get("/api/work?ms=abc");
        assertEquals(400, notANumber.statusCode());
        assertTrue(notANumber.body().contains("'ms'='abc'"), notANumber.body());
        HttpResponse<String> missing = get("/api/work");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("missing query parameter 'ms'"), missing.body());
    }

    @Test
    void adminCallTogglesReadinessThroughTheFile() throws Exception {
        HealthCheck readiness = new DemoReadinessCheck();
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());

        HttpResponse<String> down = post("/api/admin/ready?state=down");
        assertEquals(200, down.statusCode(), down.body());
        assertTrue(down.body().contains("\"readiness\":\"DOWN\""), down.body());
        assertTrue(Files.exists(base.resolve("demo.down")));
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus());
        assertTrue(get("/api/admin/ready").body().contains("\"readiness\":\"DOWN\""));

        HttpResponse<String> up = post("/api/admin/ready?state=UP");
        assertEquals(200, up.statusCode(), up.body());
        assertFalse(Files.exists(base.resolve("demo.down")));
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
    }

    @Test
    void adminCallRejectsUnknownState() throws Exception {
        HttpResponse<String> response = post("/api/admin/ready?state=maybe");
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("'state'='maybe'") && response.body().contains("allowed: down, up"), response.body());
        assertFalse(Files.exists(base.resolve("demo.down")));
    }

    @Test
    void operatorFileAloneTurnsReadinessDown() throws Exception {
        Files.writeString(base.resolve("demo.down"), "maintenance\n");
        HealthCheckResponse response = new DemoReadinessCheck().call();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals(base.resolve("demo.down").toString(), response.getData().orElseThrow().get("downFile"));
    }

    @Test
    void startupIsUpWhileDeployedAndLivenessUp() {
        assertEquals(HealthCheckResponse.Status.UP, new DemoStartupCheck().call().getStatus());
        HealthCheckResponse live = new DemoLivenessCheck().call();
        assertEquals(HealthCheckResponse.Status.UP, live.getStatus());
        assertEquals(0L, live.getData().orElseThrow().get("deadlockedThreads"));
    }
}
