package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.selfbalance.health.Json;
import io.selfbalance.health.SelfbalanceResponseProvider;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.vrrp.ChecksumMode;
import io.selfbalance.vrrp.VrrpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller on a real event loop with real health (registry, evaluator, drain check, HTTP probe of a real
 * server), a VRRP transport that reaches no peer and a recording data plane: the start, take-over, drain and stop
 * sequences in order. The kernel side is tested for real in {@link ClusterControllerUmlTest}.
 */
class ClusterControllerTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final RecordingDataPlane plane = new RecordingDataPlane();
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private HttpServer http;
    private HealthEvaluator evaluator;

    @AfterEach
    void close() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (evaluator != null) {
            evaluator.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5000);
    }

    /** This node's (192.168.77.11) transport: what it sends lands in {@code sent}; nothing arrives. */
    private final VrrpTransport lonelyTransport = transport(receiver -> { });

    /** A transport of 192.168.77.11 that records what it sends and hands its receiver to {@code onStart}. */
    private VrrpTransport transport(java.util.function.Consumer<java.util.function.Consumer<io.selfbalance.vrrp.ReceivedDatagram>> onStart) {
        return new VrrpTransport() {
            @Override
            public void start(java.util.function.Consumer<io.selfbalance.vrrp.ReceivedDatagram> receiver, java.util.function.Consumer<Exception> errors) {
                onStart.accept(receiver);
            }

            @Override
            public void send(byte[] message, InetAddress destination) {
                sent.add(message);
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

    @Test
    void singleNodeBecomesMasterProgramsItselfDrainsAndLeavesNothing() throws Exception {
        ReadyNode node = readyNode();
        DrainState drain = node.drain();
        int port = node.port();
        EffectiveConfig cfg = singleNode(port, 2,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));

        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> {
            calls.add("open " + owned);
            return plane;
        }, s -> lonelyTransport, evaluator::evaluateAsync, drain);
        assertEquals(StatusSnapshot.State.NEW, c.status().state());
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("main")) && c.status().nodes().get(0).weight() == 3, c);
        List<String> start = onLoop(() -> List.copyOf(calls));
        // without connection-sync, a sync daemon of an earlier run with it (sync id = the VRID) is stopped as stale state
        assertEquals(List.of("open [TCP 192.168.77.254:8080]", "sysctls on", "sync NONE 51", "vip off if 192.168.77.254", "vip on lo 192.168.77.254"),
                start.subList(0, 5), "stale state first, then the backup position: " + start);
        int master = start.indexOf("vip on if 192.168.77.254/24 30s");
        assertTrue(master > 5 && start.get(master - 1).equals("vip off lo 192.168.77.254"), start.toString());
        assertTrue(start.get(master + 1).startsWith("announce 192.168.77.254"), start.toString());
        assertTrue(start.stream().anyMatch(s -> s.contains("add service TCP 192.168.77.254:8080 wrr")), start.toString());
        StatusSnapshot s = c.status();
        assertEquals("interface", s.routers().get(0).vips().get(0).on());
        assertEquals(1, s.ipvs().size());
        assertEquals(3, s.ipvs().get(0).destinations().get(0).weight(), s.toJson());
        assertEquals("MASTER", s.transitions().get(s.transitions().size() - 1).to());
        // the JSON parses and carries the role and weight
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(s.toJson());
        assertEquals("ACTIVE", json.get("state"));
        assertTrue(s.toJson().contains("\"role\":\"MASTER\""), s.toJson());
        long refreshesBefore = s.routers().get(0).vipRefreshes();
        Thread.sleep(350);
        assertTrue(c.status().routers().get(0).vipRefreshes() > refreshesBefore, "the lifetime is renewed with the adverts");

        onLoop(() -> {
            calls.clear();
            return null;
        });
        long t0 = System.nanoTime();
        c.stopGracefully(Duration.ofMillis(300), () -> 0).get(15, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        List<String> stop = onLoop(() -> List.copyOf(calls));
        assertTrue(drain.isDraining());
        // weight 0 first (still master, still forwarding), then the handover releases IPVS, then the VIP
        int weight0 = indexOf(stop, "edit destination 192.168.77.11:8080 DIRECT_ROUTE weight 0");
        int ipvsGone = indexOf(stop, "delete service TCP 192.168.77.254:8080");
        int vipOff = stop.indexOf("vip off if 192.168.77.254");
        assertTrue(weight0 >= 0 && weight0 < ipvsGone && ipvsGone < vipOff, stop.toString());
        assertTrue(stop.indexOf("sysctls restored") > vipOff && stop.get(stop.size() - 1).equals("closed"), stop.toString());
        assertTrue(plane.onInterface.isEmpty() && plane.onLoopback.isEmpty() && plane.table.entries().isEmpty(), stop.toString());
        assertEquals(StatusSnapshot.State.STOPPED, c.status().state());
        assertTrue(tookMs >= 300, "waited at least the drain's first probe period: " + tookMs);
        assertEquals("SHUTDOWN", c.status().transitions().get(c.status().transitions().size() - 1).cause());
    }

    /**
     * A draining node shuts its connectors (refusing new connections) only once clients stopped opening new ones for a
     * probe interval, not after a fixed probe period: while the master still schedules new connections here (it has
     * not applied weight 0 yet: a slow master) they must find open connectors. Here connections keep arriving for
     * 1.5 s; the probe period is 0.6 s (interval 100 ms + limit 500 ms), which is when the old code shut them.
     */
    @Test
    void aDrainShutsTheConnectorsOnlyOnceNewClientConnectionsStoppedComing() throws Exception {
        ClusterController c = lonelyMaster();
        long t0 = System.nanoTime();
        long arrivalsEnd = t0 + TimeUnit.MILLISECONDS.toNanos(1500);
        java.util.concurrent.atomic.AtomicLong shutAt = new java.util.concurrent.atomic.AtomicLong();
        c.drainAndHandOver(Duration.ofSeconds(10), () -> 0, () -> Math.min(System.nanoTime(), arrivalsEnd),
                () -> shutAt.set(System.nanoTime())).get(20, TimeUnit.SECONDS);
        long shutMs = (shutAt.get() - t0) / 1_000_000;
        assertTrue(shutAt.get() != 0 && shutMs >= 1600, "connectors shut a probe interval after the last new connection, not before: " + shutMs);
        assertTrue(shutMs < 5000, "and not only at the drain limit: " + shutMs);
        c.stop().get(10, TimeUnit.SECONDS);
    }

    /**
     * The control loop sends the advertisements and runs the timers: it runs at {@code selfbalance.control-nice}
     * (default -10) once the cluster layer started; as root (CI) the value is set, otherwise it stays (a warning).
     */
    @Test
    void theControlLoopRunsAtTheConfiguredNice() throws Exception {
        int before = onLoop(io.selfbalance.vrrp.linux.ThreadNice::ofCurrentThread);
        ClusterController c = lonelyMaster();
        int after = onLoop(io.selfbalance.vrrp.linux.ThreadNice::ofCurrentThread);
        if ("root".equals(System.getProperty("user.name"))) {
            assertEquals(EffectiveConfig.DEFAULT_CONTROL_NICE, after, "was " + before);
        } else {
            assertEquals(before, after, "no CAP_SYS_NICE: unchanged");
        }
        c.stop().get(10, TimeUnit.SECONDS);
    }

    /** A started single node (probes every 100 ms, limit 500 ms) that is master with its weight 3; no peer. */
    private ClusterController lonelyMaster() throws Exception {
        ReadyNode node = readyNode();
        EffectiveConfig cfg = singleNode(node.port(), 2,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, node.drain());
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("main")) && c.status().nodes().get(0).weight() == 3, c);
        return c;
    }

    /** Connections that never stop coming (a master that never applies weight 0): the drain time still bounds it all. */
    @Test
    void aDrainThatNeverGetsQuietEndsAtTheDrainTime() throws Exception {
        ClusterController c = lonelyMaster();
        long t0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong shutAt = new java.util.concurrent.atomic.AtomicLong();
        c.drainAndHandOver(Duration.ofMillis(1200), () -> 1, System::nanoTime, () -> shutAt.set(System.nanoTime()))
                .get(20, TimeUnit.SECONDS);
        long doneMs = (System.nanoTime() - t0) / 1_000_000;
        long shutMs = (shutAt.get() - t0) / 1_000_000;
        assertTrue(shutAt.get() != 0 && shutMs >= 1200, "the connectors shut at the drain limit: " + shutMs);
        assertTrue(doneMs < 10_000, "the drain and handover ended after the limit: " + doneMs);
        assertEquals(StatusSnapshot.State.DRAINING, c.status().state(), c.status().toJson());
        c.stop().get(10, TimeUnit.SECONDS);
    }

    /**
     * A new master gives itself its weight from its local readiness at once, not weight 0 until its first probe of
     * itself returns (here: held until the test lets it go); later probe results then decide as for any node. On the
     * old code the first IPVS table carried weight 0 for the master itself.
     */
    @Test
    void newMasterSeedsItsOwnWeightFromLocalReadinessBeforeItsFirstSelfProbe() throws Exception {
        SelfbalanceResponseProvider.install();
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        java.util.concurrent.atomic.AtomicLong requestedWeight = new java.util.concurrent.atomic.AtomicLong(3);
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.register("test", HealthKind.READINESS, () -> org.eclipse.microprofile.health.HealthCheckResponse
                .named("test-ready").withData("selfbalance.weight", requestedWeight.get()).up().build());
        registry.applicationsDeployed();
        java.util.concurrent.CountDownLatch releaseProbes = new java.util.concurrent.CountDownLatch(1); // the first probe of itself is slow
        int port = serveReadiness(registry, releaseProbes);
        EffectiveConfig cfg = singleNode(port, 1,
                // resign-on readiness: the router stays at priority 0 until local readiness rose, so it has a local result
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(40), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, drain);
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("main")), c);
        List<String> ipvs = onLoop(() -> calls.stream().filter(x -> x.startsWith("ipvs ")).toList());
        assertFalse(ipvs.isEmpty(), calls.toString());
        assertTrue(ipvs.get(0).contains("add service TCP 192.168.77.254:8080 wrr") && ipvs.get(0).contains("192.168.77.11:8080 DIRECT_ROUTE weight 3"),
                "the first IPVS table of the new master gives itself its configured weight: " + ipvs);
        StatusSnapshot s = c.status();
        assertEquals(0L, s.counters().get("probeResults"), "no probe of itself has come back yet: " + s.toJson());
        assertEquals(3, s.nodes().get(0).weight(), s.toJson());
        assertTrue(s.nodes().get(0).reason().contains("local readiness"), s.toJson());

        // the probes then decide: the same UP keeps the weight (nothing programmed), a new weight request changes it
        releaseProbes.countDown();
        await(() -> c.status().counters().get("probeResults") >= 3, c);
        assertEquals(3, c.status().ipvs().get(0).destinations().get(0).weight(), c.status().toJson());
        assertEquals(ipvs, onLoop(() -> calls.stream().filter(x -> x.startsWith("ipvs ")).toList()), "an UP probe changes nothing");
        requestedWeight.set(1);
        await(() -> c.status().ipvs().get(0).destinations().get(0).weight() == 1, c);
        assertTrue(c.status().nodes().get(0).reason().startsWith("UP: HTTP 200"), c.status().toJson());
        c.stop().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aPauseOfTheMastersOwnLoopLongerThanTheStalePeriodKeepsEveryWeight() throws Exception {
        ReadyNode node = readyNode();
        DrainState drain = node.drain();
        int port = node.port();
        EffectiveConfig cfg = singleNode(port, 1,
                // stale after 200 ms * (fall 2 + 1) + 200 ms = 800 ms without a probe result
                new EffectiveConfig.Health(Duration.ofMillis(200), Duration.ofMillis(200), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, drain);
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("main")) && !c.status().ipvs().isEmpty()
                && c.status().ipvs().get(0).destinations().get(0).weight() == 3 && c.status().counters().get("probeResults") >= 2, c);
        int before = onLoop(calls::size);
        // the control-plane thread stands still for 2 s (a long GC pause, a starved CPU): no probe is sent, none read
        loop.submit(() -> {
            Thread.sleep(2000);
            return null;
        }).get(10, TimeUnit.SECONDS);
        long results = c.status().counters().get("probeResults");
        await(() -> c.status().counters().get("probeResults") >= results + 2, c);
        List<String> after = onLoop(() -> List.copyOf(calls.subList(before, calls.size())));
        assertTrue(after.stream().noneMatch(x -> x.contains("weight 0")),
                "the node was never silent, this process was: no weight 0 after the pause: " + after);
        assertEquals(3, c.status().ipvs().get(0).destinations().get(0).weight(), c.status().toJson());
        assertTrue(c.status().counters().get("pausesExcused") >= 1, c.status().toJson());
        c.stop().get(15, TimeUnit.SECONDS);
    }

    /**
     * A node joins the election only once its peers' weights are settled: here the peer's first probe is held, so
     * the node stays out although its own readiness is UP; released, it becomes master, and its first IPVS table
     * already gives the peer its weight. On the old code it became master at once and programmed the peer at
     * weight 0 (the lab: 1.1 s of refused connections after a restarted node preempted).
     */
    @Test
    void aNodeJoinsTheElectionOnlyOnceEveryPeersWeightIsSettled() throws Exception {
        ReadyNode node = readyNode();
        DrainState drain = node.drain();
        int port = node.port();
        java.util.concurrent.CountDownLatch peerAnswers = new java.util.concurrent.CountDownLatch(1);
        http.createContext("/peer/ready", ex -> {
            try {
                peerAnswers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = evaluator.evaluate(HealthKind.READINESS).toJson().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        EffectiveConfig one = singleNode(port, 1,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(40), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        EffectiveConfig cfg = withPeer(one, "http://127.0.0.1:" + port + "/peer/ready");
        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, drain);
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> c.status().counters().get("localEvaluations") >= 10, c); // own readiness UP for 10 evaluations (rise is 2)
        Thread.sleep(500); // several master-down intervals (3 x 100 ms adverts) on top
        assertEquals("BACKUP", c.status().roleOf("main"), c.status().toJson());
        assertTrue(onLoop(() -> calls.stream().noneMatch(x -> x.startsWith("ipvs "))), calls.toString());

        peerAnswers.countDown();
        await(() -> "MASTER".equals(c.status().roleOf("main")), c);
        List<String> ipvs = onLoop(() -> calls.stream().filter(x -> x.startsWith("ipvs ")).toList());
        assertTrue(ipvs.get(0).contains("192.168.77.12:8080 DIRECT_ROUTE weight 2") && ipvs.get(0).contains("192.168.77.11:8080 DIRECT_ROUTE weight 3"),
                "the new master's first IPVS table gives the peer and itself their weights: " + ipvs);
        c.stop().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aMasterThatFellSilentGetsWeightZeroInTheNewMastersFirstTableUntilItAnswersAProbe() throws Exception {
        ReadyNode node = readyNode();
        DrainState drain = node.drain();
        int port = node.port();
        EffectiveConfig one = singleNode(port, 1,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(40), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        // n2 answers its probes (UP) all along: only its advertisements stop, so the suspicion is a false one here
        // and its next UP result must end it
        EffectiveConfig cfg = withPeer(one, "http://127.0.0.1:" + port + "/health/ready");
        AdvertisingPeer peer = advertisingPeer();
        java.util.concurrent.atomic.AtomicBoolean n2Advertises = peer.advertises();
        VrrpTransport transport = peer.transport();
        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> transport,
                evaluator::evaluateAsync, drain);
        try {
            c.start().get(10, TimeUnit.SECONDS);
            await(() -> c.status().counters().get("localEvaluations") >= 10 && c.status().counters().get("probeResults") >= 10, c);
            assertEquals("BACKUP", c.status().roleOf("main"), "n2 (priority 200) is master: " + c.status().toJson());

            n2Advertises.set(false);
            await(() -> "MASTER".equals(c.status().roleOf("main")), c);
            List<String> ipvs = onLoop(() -> calls.stream().filter(x -> x.startsWith("ipvs ")).toList());
            assertTrue(ipvs.get(0).contains("192.168.77.12:8080 DIRECT_ROUTE weight 0") && ipvs.get(0).contains("192.168.77.11:8080 DIRECT_ROUTE weight 3"),
                    "the silent old master gets no new connections from the first table on, before any probe of it fails: " + ipvs);
            await(() -> onLoopQuietly(() -> calls.stream().filter(x -> x.startsWith("ipvs ")).reduce((a, b) -> b).orElse("")
                    .contains("192.168.77.12:8080 DIRECT_ROUTE weight 2")), c);
            assertTrue(c.status().toJson().contains("MASTER_DOWN_TIMEOUT"), c.status().toJson());
            c.stop().get(15, TimeUnit.SECONDS);
        } finally {
            peer.sender().shutdownNow();
        }
    }

    /**
     * With connection-sync a backup runs the backup sync daemon and keeps the IPVS service as a standby table (every
     * node a destination, so the entries it receives bind to them; only itself weighted, so it schedules nothing
     * elsewhere); taking over switches the daemon and gives the table the weights its probes found, with no service
     * to add. On stop, no service and no daemon remain.
     */
    @Test
    void withConnectionSyncABackupKeepsTheServiceAndTheNewMasterOnlySwitchesTheDaemon() throws Exception {
        ReadyNode node = readyNode();
        int port = node.port();
        EffectiveConfig cfg = withPeer(singleNode(port, 1,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(40), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS)),
                "http://127.0.0.1:" + port + "/health/ready").withConnectionSync(true);
        AdvertisingPeer peer = advertisingPeer();
        java.util.concurrent.atomic.AtomicBoolean n2Advertises = peer.advertises();
        VrrpTransport transport = peer.transport();
        List<String> calls = plane.calls;
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> transport,
                evaluator::evaluateAsync, node.drain());
        try {
            c.start().get(10, TimeUnit.SECONDS);
            await(() -> c.status().ipvs().size() == 1 && c.status().ipvs().get(0).destinations().size() == 2
                    && c.status().counters().get("probeResults") >= 4, c);
            assertEquals("BACKUP", c.status().roleOf("main"), "n2 (priority 200) is master: " + c.status().toJson());
            String standby = onLoop(() -> plane.table.toString());
            assertTrue(standby.contains("192.168.77.11:8080 DIRECT_ROUTE weight " + NodeWeights.STANDBY_SELF_WEIGHT)
                    && standby.contains("192.168.77.12:8080 DIRECT_ROUTE weight 0"), "standby table: " + standby);
            assertEquals(DataPlane.SyncRole.BACKUP, onLoop(() -> plane.syncRole));
            List<String> backup = onLoop(() -> List.copyOf(calls));
            assertFalse(backup.contains("sync NONE 51"), "with connection-sync no stale-daemon clean-up: " + backup);
            assertTrue(backup.indexOf("sync BACKUP 51") < backup.indexOf("vip on lo 192.168.77.254"), backup.toString());
            assertFalse(backup.stream().anyMatch(x -> x.startsWith("vip on if")), backup.toString());

            onLoop(() -> {
                calls.clear();
                return null;
            });
            n2Advertises.set(false);
            await(() -> "MASTER".equals(c.status().roleOf("main")), c);
            List<String> takeover = onLoop(() -> List.copyOf(calls));
            assertEquals("sync MASTER 51", takeover.get(0), takeover.toString());
            assertTrue(takeover.indexOf("vip on if 192.168.77.254/24 30s") > 0, takeover.toString());
            assertFalse(takeover.stream().anyMatch(x -> x.contains("add service")), "the service was in place: " + takeover);
            await(() -> onLoopQuietly(() -> plane.table.toString().contains("192.168.77.11:8080 DIRECT_ROUTE weight 3")
                    && plane.table.toString().contains("192.168.77.12:8080 DIRECT_ROUTE weight 2")), c);
            c.stop().get(15, TimeUnit.SECONDS);
            List<String> stopped = onLoop(() -> List.copyOf(calls));
            assertTrue(stopped.stream().anyMatch(x -> x.contains("delete service TCP 192.168.77.254:8080")), stopped.toString());
            assertEquals(DataPlane.SyncRole.NONE, plane.syncRole, stopped.toString());
            assertTrue(plane.table.entries().isEmpty() && plane.onInterface.isEmpty() && plane.onLoopback.isEmpty(), stopped.toString());
        } finally {
            peer.sender().shutdownNow();
        }
    }

    /**
     * With connection sync, a master that drains and hands over keeps a master's table (itself at weight 0, the peer
     * by its weight) after the handover and after retiring, until the stop: a new connection that reaches it through
     * a client's stale ARP entry goes to the peer, not to its shut connectors (the lab's stop scenario lost 5 new
     * connections, "refused", to the standby table). The old code left the standby table, then no service at all.
     */
    @Test
    void withConnectionSyncAReleasingMasterKeepsDirectingToThePeersUntilItStops() throws Exception {
        ReadyNode node = readyNode();
        HttpServer peerHealth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        peerHealth.createContext("/health/ready", ex -> {
            byte[] b = "{\"status\":\"UP\",\"checks\":[]}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        peerHealth.start();
        EffectiveConfig cfg = withPeer(singleNode(node.port(), 1,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS)),
                "http://127.0.0.1:" + peerHealth.getAddress().getPort() + "/health/ready").withConnectionSync(true);
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, node.drain());
        try {
            c.start().get(10, TimeUnit.SECONDS);
            await(() -> "MASTER".equals(c.status().roleOf("main")) && onLoopQuietly(() -> plane.table.toString().contains("192.168.77.11:8080 DIRECT_ROUTE weight 3")
                    && plane.table.toString().contains("192.168.77.12:8080 DIRECT_ROUTE weight 2")), c);
            c.drainAndHandOver(Duration.ofMillis(1200), () -> 0, () -> ClusterController.NO_CLIENT_CONNECTION, () -> { })
                    .get(20, TimeUnit.SECONDS);
            assertFalse("MASTER".equals(c.status().roleOf("main")), c.status().toJson());
            String released = onLoop(() -> plane.table.toString());
            assertTrue(released.contains("192.168.77.11:8080 DIRECT_ROUTE weight 0") && released.contains("192.168.77.12:8080 DIRECT_ROUTE weight 2"),
                    "after the handover: itself at 0, the peer by its weight: " + released);
            assertTrue(onLoop(() -> plane.onLoopback.contains(RoleSwitchTest.ip("192.168.77.254"))), "the VIP waits on lo for the stop");
            c.stop().get(15, TimeUnit.SECONDS);
            assertTrue(plane.table.entries().isEmpty() && plane.onInterface.isEmpty() && plane.onLoopback.isEmpty(), plane.calls.toString());
            assertEquals(DataPlane.SyncRole.NONE, plane.syncRole);
        } finally {
            peerHealth.stop(0);
        }
    }

    @Test
    void aMasterThatCannotProgramIpvsAtRunTimeTurnsReadinessDownAndResigns() throws Exception {
        ReadyNode node = readyNode();
        HealthRegistry registry = node.registry();
        DrainState drain = node.drain();
        int port = node.port();
        EffectiveConfig cfg = singleNode(port, 1,
                new EffectiveConfig.Health(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2, Duration.ofMillis(50), io.selfbalance.config.ResignOn.READINESS));
        ClusterController c = new ClusterController(cfg, loop, (config, owned, l, errors) -> plane, s -> lonelyTransport,
                evaluator::evaluateAsync, drain);
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, c.dataPlaneCheck());
        c.start().get(10, TimeUnit.SECONDS);
        await(() -> "MASTER".equals(c.status().roleOf("main")), c);
        assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP, evaluator.evaluate(HealthKind.READINESS).status());

        plane.failIpvs = new io.selfbalance.ipvs.netlink.NetlinkException("IPVS_CMD_SET_DEST 192.168.77.11:8080", 12, "out of memory");
        await(() -> !"MASTER".equals(c.status().roleOf("main")), c);
        HealthReport down = evaluator.evaluate(HealthKind.READINESS);
        assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN, down.status(), down.toJson());
        assertTrue(down.toJson().contains(DataPlaneCheck.NAME) && down.toJson().contains("IPVS reconciliation"), down.toJson());
        assertEquals("RESIGN", c.status().transitions().get(c.status().transitions().size() - 1).cause(), c.status().toJson());

        plane.failIpvs = null; // the kernel accepts again: the next tick's reconciliation clears it
        await(() -> evaluator.evaluate(HealthKind.READINESS).status() == org.eclipse.microprofile.health.HealthCheckResponse.Status.UP, c);
        c.stop().get(15, TimeUnit.SECONDS);
    }

    private <T> T onLoopQuietly(java.util.concurrent.Callable<T> task) {
        try {
            return onLoop(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A node's local health: the registry with the drain check (webapps deployed) and the port serving it. */
    private record ReadyNode(HealthRegistry registry, DrainState drain, int port) {
    }

    private ReadyNode readyNode() throws java.io.IOException {
        SelfbalanceResponseProvider.install();
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.applicationsDeployed();
        return new ReadyNode(registry, drain, serveReadiness(registry, null));
    }

    /** n2's advertisements (192.168.77.12, priority 200) and the transport of this node that receives them. */
    private record AdvertisingPeer(VrrpTransport transport, java.util.concurrent.atomic.AtomicBoolean advertises,
                                   java.util.concurrent.ScheduledExecutorService sender) {
    }

    /** n2 advertises every 100 ms to this node's transport while {@code advertises()}; shut {@code sender()} down. */
    private AdvertisingPeer advertisingPeer() {
        InetAddress n2 = RoleSwitchTest.ip("192.168.77.12");
        InetAddress group = RoleSwitchTest.ip("224.0.0.18");
        byte[] advert = io.selfbalance.vrrp.VrrpCodec.encode(io.selfbalance.vrrp.VrrpAdvertisement.v3(io.selfbalance.vrrp.IpFamily.IPV4, 51, 200, 10,
                List.of(RoleSwitchTest.ip("192.168.77.254"))), n2, group, ChecksumMode.WITH_PSEUDO_HEADER);
        java.util.concurrent.atomic.AtomicBoolean advertises = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ScheduledExecutorService sender = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        VrrpTransport transport = transport(receiver -> sender.scheduleAtFixedRate(() -> {
            if (advertises.get()) {
                receiver.accept(new io.selfbalance.vrrp.ReceivedDatagram(io.selfbalance.vrrp.IpFamily.IPV4, n2, group, 255, advert));
            }
        }, 0, 100, TimeUnit.MILLISECONDS));
        return new AdvertisingPeer(transport, advertises, sender);
    }

    /** {@code one} plus a peer n2 (192.168.77.12, weight 2) probed at {@code healthUrl}. */
    private static EffectiveConfig withPeer(EffectiveConfig one, String healthUrl) {
        List<EffectiveConfig.Node> nodes = new ArrayList<>(one.nodes());
        nodes.add(new EffectiveConfig.Node("n2", RoleSwitchTest.ip("192.168.77.12"), 2, URI.create(healthUrl), false));
        return new EffectiveConfig(one.networkInterface(), one.address(), one.routers(), one.services(), nodes, one.health(),
                one.drainTime(), one.vipLifetime(), one.status(), one.notifyHooks(), one.metrics());
    }

    /** Serves this test's MP Health readiness at /health/ready (after {@code gate} opens, if given); returns the port. */
    private int serveReadiness(HealthRegistry registry, java.util.concurrent.CountDownLatch gate) throws java.io.IOException {
        evaluator = new HealthEvaluator(registry, HealthSettings.defaults());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        http.createContext("/health/ready", ex -> {
            if (gate != null) {
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            HealthReport r = evaluator.evaluate(HealthKind.READINESS);
            byte[] b = r.toJson().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.httpStatus(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        return http.getAddress().getPort();
    }

    /** One node n1 (weight 3, probed at {@code port}), router "main" VRID 51 with VIP 192.168.77.254/24, TCP 8080 wrr/DR. */
    private static EffectiveConfig singleNode(int port, int garpRepeat, EffectiveConfig.Health health) {
        EffectiveConfig.Router router = new EffectiveConfig.Router("main", 51, List.of(IpPrefix.parse("192.168.77.254/24")), 150, 3,
                Duration.ofMillis(100), true, Duration.ZERO, List.of(), V3Checksum.RFC5798, garpRepeat, Duration.ofMillis(10), Duration.ZERO);
        return new EffectiveConfig("eth0", RoleSwitchTest.ip("192.168.77.11"), List.of(router),
                List.of(new EffectiveConfig.Service("http", io.selfbalance.config.ServiceProtocol.TCP, 8080, "wrr", io.selfbalance.config.Forwarding.DR)),
                List.of(new EffectiveConfig.Node("n1", RoleSwitchTest.ip("192.168.77.11"), 3, URI.create("http://127.0.0.1:" + port + "/health/ready"), true)),
                health, Duration.ofSeconds(2), Duration.ofSeconds(30), new EffectiveConfig.Status(true, "/selfbalance/status", true));
    }

    private static int indexOf(List<String> calls, String part) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
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
            Thread.sleep(20);
        }
        throw new AssertionError("condition not met within 20 s; status: " + c.status().toJson());
    }
}
