package io.selfbalance.jetty.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.health.policy.RiseFall;
import io.selfbalance.health.probe.PeerMonitor;
import io.selfbalance.health.probe.PeerTarget;
import io.selfbalance.health.probe.ProbeOutcome;
import io.selfbalance.health.probe.ProbeResult;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import io.selfbalance.ops.NotifyHook;
import io.selfbalance.ops.NotifySettings;
import io.selfbalance.ops.Observability;
import io.selfbalance.vrrp.DropReason;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.TransitionCause;
import io.selfbalance.vrrp.VrrpState;
import io.selfbalance.vrrp.VrrpStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster layer's events through the bridge into the real ops facade: log lines (captured from the SLF4J
 * output), Prometheus counters, and notify hooks run as real programs.
 */
class ObservabilityBridgeTest {
    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    @TempDir
    Path dir;
    private Path calls;
    private Observability ops;
    private ObservabilityBridge bridge;
    private final AtomicInteger priority = new AtomicInteger(150);
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private PrintStream realErr;

    @BeforeEach
    void setUp() throws Exception {
        calls = dir.resolve("calls");
        Path hook = dir.resolve("hook.sh");
        // keepalived-style hook: records its argument vector, one run per line
        Files.writeString(hook, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        NotifySettings notify = NotifySettings.none()
                .with(NotifyHook.FAULT, List.of(hook.toString(), "fault-hook"))
                .with(NotifyHook.NOTIFY, List.of(hook.toString(), "notify-hook"))
                .withTimeout(Duration.ofSeconds(5));
        ObservabilityBridge.RouterStatuses statuses = new ObservabilityBridge.RouterStatuses();
        ops = new Observability(new SnapshotMetricsSource(() -> null, statuses::get), notify);
        bridge = new ObservabilityBridge(ops, statuses);
        statuses.put("main", () -> status(priority.get()));
        realErr = System.err;
        // slf4j-simple writes to the current System.err
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setErr(realErr);
        ops.close();
    }

    private static VrrpStatus status(int priority) {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            drops.put(r, 0L);
        }
        return new VrrpStatus(51, VrrpState.MASTER, false, priority, null, priority, 100, 3_600_000_000L,
                TransitionCause.MASTER_DOWN_TIMEOUT, 0, 0, 0, drops, 1);
    }

    private String logs() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    private List<String> awaitCalls(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(calls)) {
                List<String> lines = Files.readAllLines(calls);
                if (lines.size() >= n) {
                    return lines;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " hook runs; got " + (Files.exists(calls) ? Files.readAllLines(calls) : "none")
                + "\nlog:\n" + logs());
    }

    private double awaitValue(double wanted, String name, String... labels) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            String text = ops.exporter().render();
            if (Exposition.has(text, name, labels) && (last = Exposition.value(text, name, labels)) == wanted) {
                return last;
            }
            Thread.sleep(20);
        }
        return last;
    }

    @Test
    void transitionsGoToTheLogTheCountersAndTheHooksWithCauseAndTimings() throws Exception {
        long t = 5_000_000_000L;
        bridge.transition("main", new StateChange(51, VrrpState.INITIALIZE, VrrpState.BACKUP, TransitionCause.STARTUP, null, t),
                T0, Duration.ofNanos(250_000));
        bridge.transition("main", new StateChange(51, VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT,
                InetAddress.getByName("192.168.77.12"), t + 3_012_000_000L), T0.plusMillis(3012), Duration.ofNanos(14_250_000));
        priority.set(0);
        bridge.transition("main", new StateChange(51, VrrpState.MASTER, VrrpState.INITIALIZE, TransitionCause.SHUTDOWN, null,
                t + 4_012_000_000L), T0.plusMillis(4012), Duration.ofMillis(2));

        // keepalived's notify arguments: INSTANCE name STATE priority, in the order of the transitions
        assertEquals(List.of("notify-hook INSTANCE main BACKUP 150", "notify-hook INSTANCE main MASTER 150",
                "notify-hook INSTANCE main STOP 0"), awaitCalls(3));
        String text = ops.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_transitions_total",
                "router", "main", "vrid", "51", "from", "BACKUP", "to", "MASTER", "cause", "MASTER_DOWN_TIMEOUT"));
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_transitions_total", "from", "INITIALIZE", "to", "BACKUP", "cause", "STARTUP"));
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_transitions_total", "to", "INITIALIZE", "cause", "SHUTDOWN"));
        // a run is counted when its process has ended, just after it wrote its line
        assertEquals(3, awaitValue(3, "selfbalance_notify_runs_total", "hook", "notify", "outcome", "SUCCEEDED"));

        String log = logs();
        // first transition: no previous state known
        assertTrue(log.contains("event=transition router=main vrid=51 from=INITIALIZE to=BACKUP cause=STARTUP peer=- priority=150"
                + " previous_state_ms=- switch_ms=0.25 at=2026-11-26T00:00:00Z"), log);
        assertTrue(log.contains("event=transition router=main vrid=51 from=BACKUP to=MASTER cause=MASTER_DOWN_TIMEOUT"
                + " peer=192.168.77.12 priority=150 previous_state_ms=3012 switch_ms=14.25 at=2026-11-26T00:00:03.012Z"), log);
        assertTrue(log.contains("from=MASTER to=INITIALIZE cause=SHUTDOWN peer=- priority=0 previous_state_ms=1000 switch_ms=2"), log);
    }

    @Test
    void weightChangesAreFoundBetweenPublishedSnapshots() {
        List<StatusSnapshot.Router> routers = List.of(Snapshots.router("main", 51, "MASTER", 150, 1, 0));
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0, routers, List.of(
                Snapshots.node("n1", "192.168.77.11", true, "UP", 1, "UP: HTTP 200", 2),
                Snapshots.node("n2", "192.168.77.12", false, "UP", 1, "UP: HTTP 200", 2)), List.of()));
        // same weights: nothing to report
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0.plusSeconds(1), routers, List.of(
                Snapshots.node("n1", "192.168.77.11", true, "UP", 1, "UP: HTTP 200", 2),
                Snapshots.node("n2", "192.168.77.12", false, "UP", 1, "UP: HTTP 200", 2)), List.of()));
        assertFalse(Exposition.has(ops.exporter().render(), "selfbalance_weight_changes_total", "node", "n2"));

        bridge.published(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0.plusSeconds(61), routers, List.of(
                Snapshots.node("n1", "192.168.77.11", true, "UP", 1, "UP: HTTP 200", 2),
                Snapshots.node("n2", "192.168.77.12", false, "DOWN", 0, "3 failed probes: connection refused", 500)), List.of()));
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.ACTIVE, T0.plusSeconds(91), routers, List.of(
                Snapshots.node("n1", "192.168.77.11", true, "UP", 1, "UP: HTTP 200", 2),
                Snapshots.node("n2", "192.168.77.12", false, "UP", 1, "UP: HTTP 200", 3)), List.of()));

        String text = ops.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_weight_changes_total", "node", "n2", "direction", "down"));
        assertEquals(1, Exposition.value(text, "selfbalance_weight_changes_total", "node", "n2", "direction", "up"));
        assertFalse(Exposition.has(text, "selfbalance_weight_changes_total", "node", "n1"), text);
        String log = logs();
        // the first change: how long the starting weight was held is not known
        assertTrue(log.contains("event=weight_change node=n2 address=192.168.77.12 from=1 to=0 configured=1 health=DOWN"
                + " reason=\"3 failed probes: connection refused\" previous_weight_ms=- probe_ms=500 at=2026-11-26T00:01:01Z"), log);
        assertTrue(log.contains("event=weight_change node=n2 address=192.168.77.12 from=0 to=1 configured=1 health=UP"
                + " reason=\"UP: HTTP 200\" previous_weight_ms=30000 probe_ms=3 at=2026-11-26T00:01:31Z"), log);
    }

    @Test
    void probeLatenciesFillTheHistogram() {
        PeerTarget n2 = PeerTarget.of("n2", "http://192.168.77.12:8080/health/ready");
        bridge.probe(new PeerMonitor.PeerState(n2, RiseFall.State.UP, false,
                new ProbeResult(n2, ProbeOutcome.UP, "HTTP 200", Duration.ofMillis(3), 200, Optional.empty(), true), 0));
        bridge.probe(new PeerMonitor.PeerState(n2, RiseFall.State.UP, false,
                new ProbeResult(n2, ProbeOutcome.ERROR, "read timeout after 500 ms", Duration.ofMillis(500), 0, Optional.empty(), false), 1));
        String text = ops.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_probe_duration_seconds_count", "node", "n2", "outcome", "UP"));
        assertEquals(0.003, Exposition.value(text, "selfbalance_probe_duration_seconds_sum", "node", "n2", "outcome", "UP"), 1e-9);
        assertEquals(1, Exposition.value(text, "selfbalance_probe_duration_seconds_count", "node", "n2", "outcome", "ERROR"));
    }

    @Test
    void anInactiveClusterLayerPutsItsRoutersInFaultUntilItStops() throws Exception {
        List<StatusSnapshot.Router> routers = List.of(Snapshots.router("main", 51, "INITIALIZE", 0, 0, 0));
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.INACTIVE, T0, routers, List.of(), List.of()));
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.INACTIVE, T0.plusSeconds(1), routers, List.of(), List.of()));
        bridge.published(Snapshots.snapshot(StatusSnapshot.State.STOPPED, T0.plusSeconds(10), routers, List.of(), List.of()));
        // notify_fault (its own arguments only), then notify; at stop: notify with STOP
        assertEquals(List.of("fault-hook", "notify-hook INSTANCE main FAULT 0", "notify-hook INSTANCE main STOP 0"), awaitCalls(3));
        String text = ops.exporter().render();
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_transitions_total", "from", "INITIALIZE", "to", "FAULT", "cause", "INACTIVE"));
        assertEquals(1, Exposition.value(text, "selfbalance_vrrp_transitions_total", "from", "FAULT", "to", "INITIALIZE", "cause", "SHUTDOWN"));
        assertTrue(logs().contains("from=FAULT to=INITIALIZE cause=SHUTDOWN peer=- priority=0 previous_state_ms=10000"), logs());
    }

    @Test
    void aBadEventIsLoggedNotThrownIntoTheControlLoop() {
        // a blank router name is rejected by the ops records: the control loop must not see the exception
        bridge.transition(" ", new StateChange(51, VrrpState.INITIALIZE, VrrpState.BACKUP, TransitionCause.STARTUP, null, 1), T0, null);
        assertTrue(logs().contains("could not report the transition of router"), logs());
        assertFalse(Exposition.has(ops.exporter().render(), "selfbalance_vrrp_transitions_total", "to", "BACKUP"));
    }
}
