package io.selfbalance.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.selfbalance.config.ConfigurationException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bean with its operations side in an embedded Jetty: metrics, status page, notify hooks at start and stop. */
class SelfbalanceOpsLifeCycleTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private static Map<String, String> properties(String... extra) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String line : JettyBaseConfig.VALID) {
            p.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        for (String line : extra) {
            p.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return p;
    }

    private Path hook() throws Exception {
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$*\" >> '" + dir.resolve("calls") + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    private List<String> calls() throws Exception {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void faultOnAnInactiveNodeStopHookRunsBeforeJettyHasStopped() throws Exception {
        Path hook = hook();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection(true);
        server.setHandler(contexts);
        SelfbalanceLifeCycle bean = new SelfbalanceLifeCycle(server, contexts, properties(
            "selfbalance.notify.fault=" + hook + ",fault", "selfbalance.notify.stop=" + hook + ",stop"), Optional.empty());
        server.addBean(bean, true);
        server.start();
        try {
            // this test's interface is lo: the cluster layer is INACTIVE, so its router is in FAULT and notify_fault runs
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!calls().contains("fault") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of("fault"), calls());
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpResponse<String> metrics = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/selfbalance/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("selfbalance_vrrp_state{router=\"main\",state=\"FAULT\",vrid=\"51\"} 1"), metrics.body());
            assertTrue(metrics.body().contains(
                "selfbalance_vrrp_transitions_total{cause=\"INACTIVE\",from=\"INITIALIZE\",router=\"main\",to=\"FAULT\",vrid=\"51\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("selfbalance_node_weight{address=\"127.0.0.1\",node=\"n1\",self=\"true\"}"), metrics.body());
            HttpResponse<String> page = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/selfbalance/status.html")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().startsWith("<!DOCTYPE html>") || page.body().startsWith("<!doctype html>"), page.body());
        } finally {
            server.stop();
        }
        // the stop waited for the STOP hook of the shutdown
        assertEquals(List.of("fault", "stop"), calls());
    }

    @Test
    void aHookThatIsNotExecutableStopsTheStartNamingItsKey() throws Exception {
        Path plain = dir.resolve("plain.sh");
        Files.writeString(plain, "#!/bin/sh\n");
        Server server = new Server();
        ContextHandlerCollection contexts = new ContextHandlerCollection(true);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new SelfbalanceLifeCycle(server, contexts,
            properties("selfbalance.notify.master=" + plain, "mp.health.default.readiness.empty.response=MAYBE"), Optional.empty()));
        // with the other problems of the configuration, in one report
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("selfbalance.notify.master = [" + plain + "] is invalid")
            && p.contains("not an executable file")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("mp.health.default.readiness.empty.response=MAYBE")), e.getMessage());
        assertEquals(0, contexts.getHandlers().size(), "nothing added");
    }
}
