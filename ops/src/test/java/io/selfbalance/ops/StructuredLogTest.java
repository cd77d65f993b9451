package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class StructuredLogTest {
    private static final Instant AT = Instant.parse("2026-11-26T00:00:00.123Z");

    @Test
    void transitionLineHasEveryFieldInAFixedOrder() {
        TransitionEvent e = new TransitionEvent("main", 51, RouterState.BACKUP, RouterState.MASTER,
                "MASTER_DOWN_TIMEOUT", "192.168.77.12", 150, AT, Duration.ofMillis(3012), Duration.ofNanos(14_250_000));
        assertEquals("event=transition router=main vrid=51 from=BACKUP to=MASTER cause=MASTER_DOWN_TIMEOUT"
                        + " peer=192.168.77.12 priority=150 previous_state_ms=3012 switch_ms=14.25"
                        + " at=2026-11-26T00:00:00.123Z",
                TransitionLog.format(e));
    }

    @Test
    void unknownValuesAreADashSoEveryLineHasTheSameKeys() {
        TransitionEvent e = new TransitionEvent("v6", 7, RouterState.INITIALIZE, RouterState.BACKUP, "STARTUP", null,
                100, AT, null, null);
        assertEquals("event=transition router=v6 vrid=7 from=INITIALIZE to=BACKUP cause=STARTUP peer=- priority=100"
                + " previous_state_ms=- switch_ms=- at=2026-11-26T00:00:00.123Z", TransitionLog.format(e));
    }

    @Test
    void weightChangeLine() {
        WeightChangeEvent e = new WeightChangeEvent("n2", "fd77::12", 100, 0, 100, HealthState.DOWN,
                "3 failed probes: connection refused", AT, Duration.ofSeconds(61), Duration.ofNanos(1_500_400));
        assertEquals("event=weight_change node=n2 address=fd77::12 from=100 to=0 configured=100 health=DOWN"
                        + " reason=\"3 failed probes: connection refused\" previous_weight_ms=61000 probe_ms=1.5"
                        + " at=2026-11-26T00:00:00.123Z",
                WeightChangeLog.format(e));
    }

    @Test
    void valuesThatCouldForgeFieldsOrLinesAreQuotedAndEscaped() {
        WeightChangeEvent e = new WeightChangeEvent("n=1", "192.168.77.11", 0, 20, 100, HealthState.UP,
                "line1\nevent=fake \"quoted\" back\\slash\ttab\u0001", AT, null, Duration.ZERO);
        assertEquals("event=weight_change node=\"n=1\" address=192.168.77.11 from=0 to=20 configured=100 health=UP"
                        + " reason=\"line1\\nevent=fake \\\"quoted\\\" back\\\\slash\\ttab\\u0001\""
                        + " previous_weight_ms=- probe_ms=0 at=2026-11-26T00:00:00.123Z",
                WeightChangeLog.format(e));
        // An empty value and a literal dash must not read as "unknown".
        assertEquals("a=\"\" b=\"-\" c=-", new KeyValueLine().add("a", "").add("b", "-").add("c", null).toString());
    }

    @Test
    void millisecondsKeepMicrosecondsAndDropTrailingZeros() {
        assertEquals("0", KeyValueLine.millis(Duration.ZERO));
        assertEquals("0.001", KeyValueLine.millis(Duration.ofNanos(1_999)));
        assertEquals("2000", KeyValueLine.millis(Duration.ofSeconds(2)));
        assertEquals("1.01", KeyValueLine.millis(Duration.ofNanos(1_010_000)));
    }

    @Test
    void levelsInfoForRoutineWarnForLostTrafficAndFault() {
        RecordingLogger t = new RecordingLogger(TransitionLog.LOGGER_NAME);
        TransitionLog tl = new TransitionLog(t);
        tl.log(new TransitionEvent("main", 1, RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 200, AT, null, null));
        tl.log(new TransitionEvent("main", 1, RouterState.MASTER, RouterState.FAULT, "INTERFACE_DOWN", null, 200, AT, null, null));
        assertEquals(Level.INFO, t.lines().get(0).level());
        assertEquals(Level.WARN, t.lines().get(1).level());
        assertTrue(t.lines().get(0).message().startsWith("event=transition router=main vrid=1 from=BACKUP to=MASTER"));

        RecordingLogger w = new RecordingLogger(WeightChangeLog.LOGGER_NAME);
        WeightChangeLog wl = new WeightChangeLog(w);
        wl.log(new WeightChangeEvent("n1", "192.168.77.11", 100, 0, 100, HealthState.DOWN, "fall", AT, null, null));
        wl.log(new WeightChangeEvent("n1", "192.168.77.11", 0, 100, 100, HealthState.UP, "rise", AT, null, null));
        wl.log(new WeightChangeEvent("n1", "192.168.77.11", 100, 20, 100, HealthState.UP, "requested", AT, null, null));
        assertEquals(java.util.List.of(Level.WARN, Level.INFO, Level.INFO),
                w.lines().stream().map(RecordingLogger.Line::level).toList());
    }

    @Test
    void badEventsAreRejectedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TransitionEvent("main", 256,
                RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 100, AT, null, null));
        assertEquals("vrid = 256 is invalid; allowed: 1..255", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WeightChangeEvent("n1", "a", 1, 70000, 1,
                HealthState.UP, "r", AT, null, null));
        assertEquals("to = 70000 is invalid; allowed: 0..65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransitionEvent(" ", 1,
                RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 100, AT, null, null));
        assertEquals("router = ' ' is invalid; allowed: a non-blank name", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TransitionEvent("main", 1,
                RouterState.BACKUP, RouterState.MASTER, "PREEMPT", null, 100, AT, Duration.ofMillis(-1), null));
    }
}
