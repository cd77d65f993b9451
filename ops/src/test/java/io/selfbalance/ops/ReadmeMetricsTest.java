package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's metric table lists exactly the families a fully populated exporter renders. */
class ReadmeMetricsTest {
    @Test
    void readmeTableMatchesTheExposition() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("## Observability");
        assertTrue(start >= 0, "README has no Observability section");
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `(selfbalance_[a-z_]+)` \\|", Pattern.MULTILINE).matcher(text.substring(start));
        while (m.find()) {
            documented.add(m.group(1));
        }

        Instant at = Instant.parse("2026-11-26T00:00:00Z");
        OpsMetricsTest.Published src = new OpsMetricsTest.Published();
        src.routers = List.of(new RouterMetricsView("main", 1, RouterState.MASTER, 100, 1, 1, 0, Map.of("TTL", 1L)));
        src.peers = List.of(new PeerHealthView("n1", "192.168.77.11", true, HealthState.UP, 1, 1));
        src.destinations = List.of(new DestinationCounters("TCP 192.168.77.254:8080", "192.168.77.11:8080", 1, 0, 0));
        OpsMetrics metrics = new OpsMetrics(src);
        metrics.recordTransition(new TransitionEvent("main", 1, RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 100, at, null, null));
        metrics.recordWeightChange(new WeightChangeEvent("n1", "192.168.77.11", 0, 1, 1, HealthState.UP, "rise", at, null, null));
        metrics.recordProbe(new ProbeObservation("n1", "UP", Duration.ofMillis(1)));
        metrics.recordNotify(new NotifyResult(NotifyHook.NOTIFY, "main", NotifyState.MASTER, List.of("/bin/true"),
                NotifyResult.Outcome.SUCCEEDED, 0, Duration.ZERO, null));
        Set<String> exported = new TreeSet<>(TextFormat.parse(metrics.exporter().render()).types.keySet());
        assertEquals(exported, documented);
    }
}
