package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade the composition uses: one event reaches the log, the metrics and the hooks. */
class ObservabilityTest {
    @TempDir
    Path dir;

    @Test
    void aTransitionIsLoggedCountedAndNotifiedAndStopIsAnnouncedOnClose() throws Exception {
        Path calls = dir.resolve("calls");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        RecordingLogger transitions = new RecordingLogger(TransitionLog.LOGGER_NAME);
        RecordingLogger weights = new RecordingLogger(WeightChangeLog.LOGGER_NAME);
        NotifySettings notify = NotifySettings.none().with(NotifyHook.NOTIFY, List.of(script.toString()));
        Instant at = Instant.parse("2026-11-26T00:00:00Z");
        OpsMetrics metrics = new OpsMetrics(ClusterMetricsSource.EMPTY);
        try (Observability ops = new Observability(metrics, new TransitionLog(transitions), new WeightChangeLog(weights), notify)) {
            ops.onTransition(new TransitionEvent("main", 51, RouterState.BACKUP, RouterState.MASTER, "PREEMPT",
                    "192.168.77.12", 200, at, Duration.ofSeconds(2), Duration.ofMillis(9)));
            ops.onWeightChange(new WeightChangeEvent("n2", "192.168.77.12", 1, 0, 1, HealthState.DOWN, "fall", at, null, null));
            ops.onProbe(new ProbeObservation("n2", "ERROR", Duration.ofMillis(500)));
            // Stopping: the router goes to INITIALIZE, which keepalived's notify calls STOP.
            ops.onTransition(new TransitionEvent("main", 51, RouterState.MASTER, RouterState.INITIALIZE, "SHUTDOWN",
                    null, 0, at, Duration.ofSeconds(60), null));
        } // close() lets the queued hooks finish
        assertEquals(List.of("INSTANCE main MASTER 200", "INSTANCE main STOP 0"), Files.readAllLines(calls));
        assertEquals(2, transitions.lines().size());
        assertTrue(weights.messages().get(0).startsWith("event=weight_change node=n2 "), weights.messages().toString());
        TextFormat t = TextFormat.parse(metrics.exporter().render());
        assertEquals(1.0, t.value("selfbalance_vrrp_transitions_total", "router", "main", "vrid", "51", "from", "MASTER", "to", "INITIALIZE", "cause", "SHUTDOWN"));
        assertEquals(1.0, t.value("selfbalance_weight_changes_total", "node", "n2", "direction", "down"));
        assertEquals(1.0, t.value("selfbalance_probe_duration_seconds_count", "node", "n2", "outcome", "ERROR"));
        assertEquals(2.0, t.value("selfbalance_notify_runs_total", "hook", "notify", "outcome", "SUCCEEDED"));
    }

    @Test
    void statusPageIsSelfContainedAndItsPolicyMatchesItsInlineCode() {
        String html = StatusPage.html("/ops/\"status\"");
        assertTrue(html.contains("<meta name=\"selfbalance-status-json\" content=\"/ops/&quot;status&quot;\">"), html);
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"),
                "no external asset");
        assertTrue(!html.contains("/*@STYLE@*/") && !html.contains("/*@SCRIPT@*/"));
        String csp = StatusPage.contentSecurityPolicy();
        assertTrue(csp.startsWith("default-src 'none'; script-src 'sha256-"), csp);
        assertTrue(csp.contains("connect-src 'self'"), csp);
        assertEquals("/selfbalance/status.html", StatusPage.pagePathFor("/selfbalance/status"));
        assertEquals("/selfbalance/status.html", StatusPage.pagePathFor("/selfbalance/status/"));
    }
}
