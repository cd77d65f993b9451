package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.config.V3Checksum;

import io.netty.channel.DefaultEventLoop;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.checks.DrainState;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code selfbalance-data-plane} is DOWN before the cluster layer started: Jetty serves (and peers probe it) before
 * the VIP is on lo; weight given in that window sends VIP connections to a node that drops them (seen in the lab:
 * 13 s between "Started Server" and "cluster layer started" under load, 17 failed new connections per restart).
 */
class DataPlaneCheckTest {

    @Test
    void downUntilTheClusterLayerStartedThenUpOnANodeInactiveByConfiguration() throws Exception {
        io.selfbalance.health.SelfbalanceResponseProvider.install();
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            HealthRegistry registry = new HealthRegistry();
            registry.applicationsDeployed();
            HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults());
            // interface "lo": inactive by configuration, so start() touches nothing and needs no kernel support
            EffectiveConfig.Router router = new EffectiveConfig.Router("main", 51, List.of(IpPrefix.parse("192.168.77.254/24")), 150, 3,
                    Duration.ofMillis(100), true, Duration.ZERO, List.of(), V3Checksum.RFC5798, 1, Duration.ofMillis(10), Duration.ZERO);
            EffectiveConfig cfg = new EffectiveConfig("lo", RoleSwitchTest.ip("127.0.0.1"), List.of(router),
                    List.of(new EffectiveConfig.Service("http", io.selfbalance.config.ServiceProtocol.TCP, 8080, "wrr", io.selfbalance.config.Forwarding.DR)),
                    List.of(new EffectiveConfig.Node("n1", RoleSwitchTest.ip("127.0.0.1"), 3, URI.create("http://127.0.0.1:9/health/ready"), true)),
                    new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS),
                    Duration.ofSeconds(2), Duration.ofSeconds(30), new EffectiveConfig.Status(true, "/selfbalance/status", true));
            ClusterController c = new ClusterController(cfg, loop, ClusterController.KERNEL, ClusterController.RAW_SOCKETS,
                    evaluator::evaluateAsync, new DrainState());
            DataPlaneCheck check = c.dataPlaneCheck();
            HealthCheckResponse before = check.call();
            assertEquals(HealthCheckResponse.Status.DOWN, before.getStatus(), before.getData().toString());
            assertEquals("starting: the VIP is not on lo yet", before.getData().get().get("reason"));
            c.start().get(10, TimeUnit.SECONDS);
            HealthCheckResponse after = check.call();
            assertEquals(HealthCheckResponse.Status.UP, after.getStatus(), after.getData().toString());
            c.stop().get(10, TimeUnit.SECONDS);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
