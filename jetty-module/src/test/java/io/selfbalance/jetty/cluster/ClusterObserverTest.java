package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.DefaultEventLoop;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.config.V3Checksum;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.SelfbalanceResponseProvider;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.health.probe.PeerMonitor;
import io.selfbalance.jetty.ops.ObservabilityBridge;
import io.selfbalance.jetty.ops.SnapshotMetricsSource;
import io.selfbalance.ops.NotifySettings;
import io.selfbalance.ops.Observability;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.VrrpRouter;
import io.selfbalance.vrrp.VrrpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's events reach an observer on its loop, in order and after the role switch's work, and through
 * the bridge they become the ops metrics: a real event loop, real health and probes of a real HTTP server, a VRRP
 * transport that reaches no peer and a recording data plane (as {@link ClusterControllerTest}).
 */
class ClusterObserverTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final RecordingDataPlane plane = new RecordingDataPlane();
    private HttpServer http;
    private HealthEvaluator evaluator;
    private Observability ops;

    @AfterEach
    void close() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (evaluator != null) {
            evaluator.close();
        }
        if (ops != null) {
            ops.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5000);
    }

    private final VrrpTransport lonelyTransport = new VrrpTransport() {
        @Override
        public void start(java.util.function.Consumer<io.selfbalance.vrrp.ReceivedDatagram> receiver, java.util.function.Consumer<Exception> errors) {
        }

        @Override
        public void send(byte[] message, InetAddress destination) {
        }

        @Override
        public InetAddress sourceAddress() {
            return RoleSwitchTest.ip("192.168.77.11");
        }

        @Override
        public void close() {
        }
    };

    @Test
    void transitionsProbesAndWeightsReachTheObserverAndTheMetrics() throws Exception {
        SelfbalanceResponseProvider.install();
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.applicationsDeployed();
        evaluator = new HealthEvaluator(registry, HealthSettings.defaults());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        http.createContext("/health/ready", ex -> {
            HealthReport r = evaluator.evaluate(HealthKind.READINESS);
            byte[] b = r.toJson().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.httpStatus(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        EffectiveConfig.Router router = new EffectiveConfig.Router("main", 51, List.of(IpPrefix.parse("192.168.77.254/24")), 150, 3,
                Duration.ofMillis(100), true, Duration.ZERO, List.of(), V3Checksum.RFC5798, 2, Duration.ofMillis(10), Duration.ZERO);
        EffectiveConfig cfg = new EffectiveConfig("eth0", RoleSwitchTest.ip("192.168.77.11"), List.of(router),
                List.of(new EffectiveConfig.Service("http", io.selfbalance.config.ServiceProtocol.TCP, 8080, "wrr", io.selfbalance.config.Forwarding.DR)),
                List.of(new EffectiveConfig.Node("n1", RoleSwitchTest.ip("192.168.77.11"), 3,
                        URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/health/ready"), true)),
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS),
                Duration.ofSeconds(2), Duration.ofSeconds(30), new EffectiveConfig.Status(true, "/selfbalance/status", true));

        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, drain);
        ObservabilityBridge.RouterStatuses statuses = new ObservabilityBridge.RouterStatuses();
        ops = new Observability(new SnapshotMetricsSource(c::status, statuses::get), NotifySettings.none());
        ObservabilityBridge bridge = new ObservabilityBridge(ops, statuses);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<String> wrongThread = new AtomicReference<>();
        c.observe(new ClusterObserver() {
            private void onLoop() {
                if (!loop.inEventLoop()) {
                    wrongThread.set(Thread.currentThread().getName());
                }
            }

            @Override
            public void routerCreated(String name, VrrpRouter vrrp) {
                onLoop();
                seen.add("created " + name + " " + vrrp.settings().vrid());
                bridge.routerCreated(name, vrrp);
            }

            @Override
            public void transition(String name, StateChange change, Instant at, Duration switchTook) {
                onLoop();
                // the role switch has been done when the observer hears of it
                String vip = change.to() == io.selfbalance.vrrp.VrrpState.MASTER
                        ? (plane.onInterface.isEmpty() ? " vip not yet on the interface" : " vip on the interface") : "";
                seen.add("transition " + name + " " + change.from() + "->" + change.to() + " " + change.cause() + vip
                        + (switchTook.isNegative() ? " negative" : ""));
                bridge.transition(name, change, at, switchTook);
            }

            @Override
            public void probe(PeerMonitor.PeerState result) {
                onLoop();
                if (!seen.contains("probe " + result.peer().id())) {
                    seen.add("probe " + result.peer().id());
                }
                bridge.probe(result);
            }

            @Override
            public void published(StatusSnapshot snapshot) {
                onLoop();
                bridge.published(snapshot);
            }
        });
        c.start().get(10, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!("MASTER".equals(c.status().roleOf("main")) && c.status().nodes().get(0).weight() == 3) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals("MASTER", c.status().roleOf("main"), c.status().toJson());
        c.stopGracefully(Duration.ofMillis(300), () -> 0).get(15, TimeUnit.SECONDS);

        assertEquals(null, wrongThread.get(), "every event on the control loop");
        assertEquals("created main 51", seen.get(0), seen.toString());
        List<String> transitions = seen.stream().filter(s -> s.startsWith("transition")).toList();
        assertEquals(List.of("transition main INITIALIZE->BACKUP STARTUP",
                "transition main BACKUP->MASTER MASTER_DOWN_TIMEOUT vip on the interface",
                "transition main MASTER->INITIALIZE SHUTDOWN"), transitions);
        assertTrue(seen.contains("probe n1"), seen.toString());

        String text = ops.exporter().render();
        assertTrue(text.contains("selfbalance_vrrp_transitions_total{cause=\"MASTER_DOWN_TIMEOUT\",from=\"BACKUP\",router=\"main\",to=\"MASTER\",vrid=\"51\"} 1"), text);
        assertTrue(text.contains("selfbalance_vrrp_transitions_total{cause=\"SHUTDOWN\",from=\"MASTER\",router=\"main\",to=\"INITIALIZE\",vrid=\"51\"} 1"), text);
        // the weight rose when the probes found n1 up, and fell to 0 when it drained at stop (on a loaded machine a
        // late probe may make it flap once more in between: at least one of each)
        assertTrue(text.matches("(?s).*selfbalance_weight_changes_total\\{direction=\"up\",node=\"n1\"} [1-9].*"), text);
        assertTrue(text.matches("(?s).*selfbalance_weight_changes_total\\{direction=\"down\",node=\"n1\"} [1-9].*"), text);
        assertTrue(text.contains("selfbalance_node_weight{address=\"192.168.77.11\",node=\"n1\",self=\"true\"} 0"), text);
        assertTrue(text.matches("(?s).*selfbalance_probe_duration_seconds_count\\{node=\"n1\",outcome=\"UP\"} [1-9].*"), text);
        // read from the published snapshot and the router's status at scrape time
        assertTrue(text.contains("selfbalance_vrrp_state{router=\"main\",state=\"INITIALIZE\",vrid=\"51\"} 1"), text);
        assertNotNull(bridge.vrrpStatus("main"));
        assertTrue(text.contains("selfbalance_vrrp_packets_dropped_total{reason=\"TTL\",router=\"main\",vrid=\"51\"} 0"), text);
    }
}
