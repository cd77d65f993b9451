package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.config.V3Checksum;
import io.selfbalance.health.CheckResult;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.vrrp.ChecksumMode;
import io.selfbalance.vrrp.IpFamily;
import io.selfbalance.vrrp.ReceivedDatagram;
import io.selfbalance.vrrp.VrrpAdvertisement;
import io.selfbalance.vrrp.VrrpCodec;
import io.selfbalance.vrrp.VrrpTransport;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two virtual routers on one node (active-active): each VIP is taken and released on its own; the IPVS table is
 * the union of the routers this node is master of. A peer's advertisements are injected into one router's
 * transport, so only that router goes back to BACKUP.
 */
class ActiveActiveTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final RecordingDataPlane plane = new RecordingDataPlane();
    private final Map<Integer, Consumer<ReceivedDatagram>> receivers = new ConcurrentHashMap<>();

    @AfterEach
    void close() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5000);
    }

    private VrrpTransport transport(int vrid) {
        return new VrrpTransport() {
            @Override
            public void start(Consumer<ReceivedDatagram> receiver, Consumer<Exception> errors) {
                receivers.put(vrid, receiver);
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
    }

    private static EffectiveConfig.Router router(String name, int vrid, String vip) {
        return new EffectiveConfig.Router(name, vrid, List.of(IpPrefix.parse(vip)), 100, 3, Duration.ofMillis(100), true,
                Duration.ZERO, List.of(), V3Checksum.RFC5798, 1, Duration.ofMillis(10), Duration.ZERO);
    }

    @Test
    void eachRouterTakesAndReleasesItsOwnVipAndServices() throws Exception {
        EffectiveConfig cfg = new EffectiveConfig("eth0", RoleSwitchTest.ip("192.168.77.11"),
                List.of(router("a", 51, "192.168.77.254/24"), router("b", 52, "192.168.77.253/24")),
                List.of(new EffectiveConfig.Service("http", io.selfbalance.config.ServiceProtocol.TCP, 8080, "wrr", io.selfbalance.config.Forwarding.DR)),
                List.of(new EffectiveConfig.Node("n1", RoleSwitchTest.ip("192.168.77.11"), 1, URI.create("http://127.0.0.1:9/health/ready"), true),
                        new EffectiveConfig.Node("n2", RoleSwitchTest.ip("192.168.77.12"), 1, URI.create("http://127.0.0.1:9/health/ready"), false)),
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(50), 1, 1, Duration.ofMillis(50), io.selfbalance.config.ResignOn.NEVER),
                Duration.ofSeconds(1), Duration.ofSeconds(30), new EffectiveConfig.Status(true, "/selfbalance/status", true));
        HealthReport up = new HealthReport(Status.UP, List.of(CheckResult.up("x")), Optional.empty());
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane,
                s -> transport(s.vrid()), kind -> CompletableFuture.completedFuture(up), new DrainState());
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("a")) && "MASTER".equals(c.status().roleOf("b")), c);
        assertEquals(List.of("TCP 192.168.77.253:8080", "TCP 192.168.77.254:8080"),
                onLoop(() -> plane.table.entries().stream().map(e -> e.service().key().toString()).sorted().toList()));
        assertEquals(2, onLoop(() -> plane.onInterface.size()));

        // n2 advertises priority 200 for router b only: b goes BACKUP, a stays MASTER
        InetAddress n2 = RoleSwitchTest.ip("192.168.77.12");
        InetAddress group = RoleSwitchTest.ip("224.0.0.18");
        VrrpAdvertisement adv = VrrpAdvertisement.v3(IpFamily.IPV4, 52, 200, 10, List.of(RoleSwitchTest.ip("192.168.77.253")));
        byte[] message = VrrpCodec.encode(adv, n2, group, ChecksumMode.WITH_PSEUDO_HEADER);
        ReceivedDatagram d = new ReceivedDatagram(IpFamily.IPV4, n2, group, 255, message);
        await(() -> {
            receivers.get(52).accept(d);
            return "BACKUP".equals(c.status().roleOf("b"));
        }, c);
        assertEquals("MASTER", c.status().roleOf("a"));
        assertEquals(List.of("TCP 192.168.77.254:8080"),
                onLoop(() -> plane.table.entries().stream().map(e -> e.service().key().toString()).toList()));
        assertEquals(List.of(RoleSwitchTest.ip("192.168.77.254")), onLoop(() -> List.copyOf(plane.onInterface)));
        assertTrue(onLoop(() -> plane.onLoopback.contains(RoleSwitchTest.ip("192.168.77.253"))));
        assertEquals("HIGHER_PRIORITY_SEEN", c.status().routers().get(1).lastCause());

        c.stop().get(10, TimeUnit.SECONDS);
        assertTrue(onLoop(() -> plane.onInterface.isEmpty() && plane.onLoopback.isEmpty() && plane.table.entries().isEmpty()));
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition, ClusterController c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within 20 s; status: " + c.status().toJson());
    }
}
