package io.selfbalance.health.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

import io.selfbalance.health.HealthKind;

class PriorityPolicyTest {

    private static final Duration EVERY = Duration.ofSeconds(1);
    private final VirtualTicker clock = new VirtualTicker();
    private final PriorityPolicy policy = new PriorityPolicy(
            new PriorityPolicy.Settings(150, HealthKind.READINESS, 3, 2, Duration.ofSeconds(10), Duration.ofMinutes(5)), clock);

    private PriorityPolicy.Decision eval(Status s) {
        clock.advance(EVERY);
        return policy.onLocalHealth(s);
    }

    @Test
    void entersAfterRiseAndResignsAtOnceAfterFall() {
        assertEquals(0, policy.current().priority(), "out until ready");
        assertEquals(0, eval(Status.UP).priority());
        assertEquals(0, eval(Status.UP).priority());
        PriorityPolicy.Decision in = eval(Status.UP);
        assertEquals(150, in.priority());
        assertTrue(in.changed() && in.eligible(), in.toString());
        assertFalse(eval(Status.UP).changed());

        PriorityPolicy.Decision first = eval(Status.DOWN);
        assertEquals(150, first.priority(), "one DOWN is not fall");
        assertTrue(first.reason().contains("1 of 2"), first.reason());
        PriorityPolicy.Decision out = eval(Status.DOWN);
        assertEquals(0, out.priority(), "second DOWN: resign now");
        assertTrue(out.changed());
        assertTrue(out.reason().contains("resign"), out.reason());
    }

    @Test
    void staysOutForTheHoldEvenWhenHealthyAgain() {
        for (int i = 0; i < 3; i++) {
            eval(Status.UP);
        }
        clock.advance(Duration.ofMinutes(10)); // long stable: a later fall is not flapping
        eval(Status.DOWN);
        assertEquals(0, eval(Status.DOWN).priority());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, eval(Status.UP).priority(), "rise reached but hold (10 s) not over: " + policy.current().reason());
        }
        assertTrue(policy.current().reason().contains("held out"), policy.current().reason());
        clock.advance(Duration.ofSeconds(6));
        PriorityPolicy.Decision back = eval(Status.UP);
        assertEquals(150, back.priority(), back.reason());
        assertTrue(back.changed());
    }

    @Test
    void alternatingHealthNeverEntersAndNeverResigns() {
        for (int i = 0; i < 3; i++) {
            eval(Status.UP);
        }
        int before = policy.transitions();
        for (int i = 0; i < 3600; i++) {
            eval(i % 2 == 0 ? Status.DOWN : Status.UP);
        }
        assertEquals(before, policy.transitions(), "DOWN,UP,DOWN,... never reaches fall=2");
        assertEquals(150, policy.current().priority());
    }

    @Test
    void burstyFlappingCausesNoTransitionStorm() {
        // An hour of evaluations every second, health flapping in bursts just long enough to pass fall and rise:
        // DOWN DOWN UP UP UP, repeated. Without hysteresis that is 2 transitions every 5 s = 1440 in an hour.
        int naive = 0;
        int evaluations = 0;
        while (evaluations < 3600) {
            for (Status s : new Status[] {Status.UP, Status.UP, Status.UP, Status.DOWN, Status.DOWN}) {
                eval(s);
                evaluations++;
            }
            naive += 2;
        }
        int transitions = policy.transitions();
        // Holds 10, 20, 40, 80, 160, 300, 300 ... s: about one cycle per (300 s + rise), i.e. ~12 cycles an hour
        // plus the ramp-up ones.
        assertTrue(transitions <= 2 * (3600 / 300 + 7), "transitions " + transitions + " (naive " + naive + ")");
        assertTrue(transitions >= 2, "it still reacts: " + transitions);
        System.out.printf("flapping hour: %d transitions with hysteresis, %d without%n", transitions, naive);

        // Once health is stable for 4 x hold (20 min here), the hold is forgiven back to minHold.
        for (int i = 0; i < 1600; i++) {
            eval(Status.UP);
        }
        assertTrue(policy.current().eligible());
        eval(Status.DOWN);
        PriorityPolicy.Decision out = eval(Status.DOWN);
        assertTrue(out.reason().contains("at least 10000 ms"), out.reason());
    }

    @Test
    void livenessCanDriveItAndBadSettingsAreNamed() {
        PriorityPolicy live = new PriorityPolicy(
                new PriorityPolicy.Settings(100, HealthKind.LIVENESS, 1, 1, Duration.ZERO, Duration.ZERO), clock);
        assertEquals(100, live.onLocalHealth(Status.UP).priority());
        assertEquals(0, live.onLocalHealth(Status.DOWN).priority());
        assertTrue(live.current().reason().startsWith("liveness DOWN"), live.current().reason());
        assertEquals(100, live.onLocalHealth(Status.UP).priority(), "zero hold: back at once");
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> new PriorityPolicy.Settings(0, HealthKind.READINESS, 1, 1, Duration.ZERO, Duration.ZERO));
        assertEquals("priority: 0 is not allowed; use 1..255", p.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> new PriorityPolicy.Settings(100, HealthKind.STARTUP, 1, 1, Duration.ZERO, Duration.ZERO));
        assertEquals("source: STARTUP is not allowed; use READINESS or LIVENESS", s.getMessage());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> new PriorityPolicy.Settings(100, HealthKind.READINESS, 1, 1, Duration.ofSeconds(5), Duration.ofSeconds(1)));
        assertEquals("maxHold: PT1S is not allowed; use a duration of at least minHold (PT5S)", h.getMessage());
    }
}
