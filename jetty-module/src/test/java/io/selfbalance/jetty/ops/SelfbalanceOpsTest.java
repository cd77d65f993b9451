package io.selfbalance.jetty.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.config.ConfigurationException;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.SelfbalanceConfigLoader;
import io.selfbalance.jetty.cluster.ClusterObserver;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.MetricsExporter;
import io.selfbalance.ops.NotifyHook;
import io.selfbalance.ops.NotifySettings;
import io.selfbalance.ops.StatusPage;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics endpoint and the status page in an embedded Jetty, and the notify hooks' start-time checks. */
class SelfbalanceOpsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;
    private Server server;
    private ServerConnector connector;
    private LocalConnector local;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static EffectiveConfig config(String... extra) throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("selfbalance.interface", "lo");
        p.put("selfbalance.address", "127.0.0.1");
        p.put("selfbalance.routers.main.vrid", "51");
        p.put("selfbalance.routers.main.vips", "192.168.77.254/24");
        p.put("selfbalance.nodes.n1.address", "127.0.0.1");
        for (String kv : extra) {
            p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return EffectiveConfig.resolve(SelfbalanceConfigLoader.load(p, Optional.empty(), Map.of(), new java.util.Properties()),
                InetAddress.getByName("127.0.0.1"), 8080);
    }

    private void serve(SelfbalanceOps ops) throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        // an in-memory connector: its clients have no loopback address, like a remote client
        local = new LocalConnector(server);
        server.addConnector(local);
        ContextHandlerCollection contexts = new ContextHandlerCollection(true);
        ops.contexts().forEach(contexts::addHandler);
        server.setHandler(contexts);
        server.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
    }

    private String remoteGet(String path) throws Exception {
        return local.getResponse("GET " + path + " HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n");
    }

    @Test
    void metricsServedToLoopbackClientsWhileStarted() throws Exception {
        StatusSnapshot snapshot = Snapshots.snapshot(StatusSnapshot.State.ACTIVE, Instant.now(),
                List.of(Snapshots.router("main", 51, "MASTER", 100, 5, 0)),
                List.of(Snapshots.node("n1", "127.0.0.1", true, "UP", 1, "UP: HTTP 200", 1)),
                List.of(new StatusSnapshot.Service("TCP 192.168.77.254:8080", "wrr",
                        List.of(new StatusSnapshot.Destination("127.0.0.1:8080", 1, 4, 1)))));
        AtomicReference<StatusSnapshot> status = new AtomicReference<>(snapshot);
        SelfbalanceOps ops = new SelfbalanceOps(config(), NotifySettings.none(), status::get);
        serve(ops);

        assertEquals(503, get("/selfbalance/metrics").statusCode(), "not started yet");
        assertSame(ClusterObserver.NONE, ops.observer());
        ClusterObserver observer = ops.start();
        assertSame(observer, ops.observer());
        HttpResponse<String> metrics = get("/selfbalance/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertEquals(MetricsExporter.CONTENT_TYPE, metrics.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", metrics.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(metrics.body().contains("# TYPE selfbalance_vrrp_state gauge"), metrics.body());
        assertEquals(1, Exposition.value(metrics.body(), "selfbalance_vrrp_state", "router", "main", "state", "MASTER"));
        assertEquals(4, Exposition.value(metrics.body(), "selfbalance_ipvs_active_connections", "destination", "127.0.0.1:8080"));
        // each request is a fresh scrape
        status.set(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, Instant.now(),
                List.of(Snapshots.router("main", 51, "BACKUP", 100, 5, 1)), List.of(), List.of()));
        assertEquals(1, Exposition.value(get("/selfbalance/metrics").body(), "selfbalance_vrrp_state", "router", "main", "state", "BACKUP"));

        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/selfbalance/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/selfbalance/metrics")).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, get("/selfbalance/metrics/more").statusCode());

        String remote = remoteGet("/selfbalance/metrics");
        assertTrue(remote.startsWith("HTTP/1.1 403 "), remote);
        assertTrue(remote.contains("selfbalance.metrics.local-only=true"), remote);

        ops.stop();
        assertNull(ops.observability());
        assertEquals(503, get("/selfbalance/metrics").statusCode(), "stopped");
    }

    @Test
    void statusPageBesideTheStatusJsonWithItsRule() throws Exception {
        SelfbalanceOps ops = new SelfbalanceOps(config("selfbalance.status.path=/ops/cluster", "selfbalance.metrics.path=/ops/prometheus"),
                NotifySettings.none(), () -> null);
        serve(ops);
        HttpResponse<String> page = get("/ops/cluster.html");
        assertEquals(200, page.statusCode());
        assertEquals(StatusPage.CONTENT_TYPE, page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(StatusPage.contentSecurityPolicy(), page.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals(new String(StatusPage.bytes("/ops/cluster"), java.nio.charset.StandardCharsets.UTF_8), page.body());
        assertTrue(page.body().contains("/ops/cluster"), "polls the status JSON beside it");
        assertEquals(404, get("/ops/cluster.html/x").statusCode());
        String remote = remoteGet("/ops/cluster.html");
        assertTrue(remote.startsWith("HTTP/1.1 403 ") && remote.contains("selfbalance.status.local-only=true"), remote);
        assertEquals(503, get("/ops/prometheus").statusCode(), "metrics at the configured path, not started");
        assertEquals(404, get("/selfbalance/metrics").statusCode());
    }

    @Test
    void localOnlyOffServesEveryClientAndDisabledEndpointsAreAbsent() throws Exception {
        SelfbalanceOps open = new SelfbalanceOps(config("selfbalance.metrics.local-only=false", "selfbalance.status.local-only=false"),
                NotifySettings.none(), () -> null);
        assertEquals(2, open.contexts().size());
        serve(open);
        open.start();
        assertTrue(remoteGet("/selfbalance/metrics").startsWith("HTTP/1.1 200 "));
        assertTrue(remoteGet("/selfbalance/status.html").startsWith("HTTP/1.1 200 "));
        open.stop();

        assertEquals(List.of(), new SelfbalanceOps(config("selfbalance.metrics.enabled=false", "selfbalance.status.enabled=false"),
                NotifySettings.none(), () -> null).contexts());
    }

    @Test
    void notifyProgramsMustBeExecutableAtStartEveryBadKeyListed() throws Exception {
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path notExecutable = dir.resolve("plain.txt");
        Files.writeString(notExecutable, "not a program");
        Path missing = dir.resolve("missing.sh");

        NotifySettings ok = SelfbalanceOps.notifySettings(config("selfbalance.notify.master=" + script + ",master,a\\,b",
                "selfbalance.notify.timeout=3s", "selfbalance.notify.queue-capacity=5").notifyHooks());
        assertEquals(List.of(script.toString(), "master", "a,b"), ok.command(NotifyHook.MASTER));
        assertEquals(List.of(), ok.command(NotifyHook.BACKUP));
        assertEquals(Duration.ofSeconds(3), ok.timeout());
        assertEquals(5, ok.queueCapacity());

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SelfbalanceOps.notifySettings(
                config("selfbalance.notify.backup=" + notExecutable, "selfbalance.notify.fault=" + missing + ",x",
                        "selfbalance.notify.stop=" + script).notifyHooks()));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("selfbalance.notify.backup = [" + notExecutable + "] is invalid"), e.getMessage());
        assertTrue(e.problems().get(0).contains("not an executable file"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("selfbalance.notify.fault = [" + missing + ", x] is invalid"), e.getMessage());

        // values the config module cannot see wrong are still refused here, each naming its key
        ConfigurationException limits = assertThrows(ConfigurationException.class, () -> SelfbalanceOps.notifySettings(
                new EffectiveConfig.Notify(List.of("relative/notify.sh"), List.of(), List.of(), List.of(), List.of(),
                        Duration.ZERO, 64)));
        assertTrue(limits.getMessage().contains("selfbalance.notify.master = [relative/notify.sh] is invalid"), limits.getMessage());
        assertTrue(limits.getMessage().contains("selfbalance.notify.timeout = PT0S is invalid"), limits.getMessage());
    }
}
