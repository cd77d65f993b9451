package io.selfbalance.health.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

import io.selfbalance.health.CheckResult;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.health.probe.PeerTarget;
import io.selfbalance.health.probe.ProbeOutcome;
import io.selfbalance.health.probe.ProbeResult;

class WeightPolicyTest {

    private final VirtualTicker clock = new VirtualTicker();
    private final WeightPolicy policy = new WeightPolicy(new WeightPolicy.Settings(2, 3, Duration.ofSeconds(10)), clock);

    private static HealthObservation asking(ProbeOutcome outcome, Object weight) {
        HealthReport body = new HealthReport(outcome == ProbeOutcome.UP ? Status.UP : Status.DOWN,
                List.of(new CheckResult("app", outcome == ProbeOutcome.UP ? Status.UP : Status.DOWN,
                        Map.of(WeightPolicy.WEIGHT_DATA_KEY, weight))), Optional.empty());
        ProbeResult r = new ProbeResult(PeerTarget.of("n2", "http://192.168.77.12:8080/health/ready"), outcome, "test",
                Duration.ofMillis(3), outcome == ProbeOutcome.UP ? 200 : 503, Optional.of(body), true);
        return HealthObservation.of(r);
    }

    private int observe(HealthObservation o) {
        clock.advance(Duration.ofSeconds(1));
        return policy.observe("n2", o).weight();
    }

    @Test
    void upGivesConfiguredWeightAndFallGivesZeroAndRiseRestores() {
        policy.setDestination("n2", 100);
        assertEquals(0, policy.decision("n2").weight(), "no result yet");
        assertEquals(100, observe(HealthObservation.up()), "first result decides");
        assertEquals(100, observe(HealthObservation.down("HTTP 503")));
        assertEquals(100, observe(HealthObservation.error("read timeout")), "ERROR counts like DOWN");
        WeightPolicy.Decision beforeFall = policy.decision("n2");
        assertTrue(beforeFall.reason().contains("2 of 3 failures before weight 0"), beforeFall.reason());
        assertEquals(0, observe(HealthObservation.down("HTTP 503")), "third failure: fall");
        assertEquals(RiseFall.State.DOWN, policy.decision("n2").state());
        assertEquals(0, observe(HealthObservation.up()), "one UP is not rise");
        assertEquals(0, observe(HealthObservation.down("again")), "a failure resets the rise count");
        assertEquals(0, observe(HealthObservation.up()));
        assertEquals(100, observe(HealthObservation.up()), "rise=2");
    }

    @Test
    void settledMeansAResultAndNotOnTheWayUp() {
        policy.setDestination("n2", 100);
        assertEquals(false, policy.settled("n2"), "no result yet");
        observe(HealthObservation.error("connect timeout"));
        assertEquals(true, policy.settled("n2"), "a first failure decides DOWN: settled (a dead peer does not hold anyone up)");
        observe(HealthObservation.up());
        assertEquals(false, policy.settled("n2"), "DOWN with one UP of rise 2: on its way up");
        observe(HealthObservation.up());
        assertEquals(true, policy.settled("n2"), "UP after rise");
        observe(HealthObservation.down("HTTP 503"));
        assertEquals(true, policy.settled("n2"), "UP with a failure short of fall still has its weight");
        assertThrows(IllegalArgumentException.class, () -> policy.settled("n9"));
    }

    @Test
    void aSuspectIsHeldAtZeroUntilItsNextUpResult() {
        policy.setDestination("n2", 100);
        assertEquals(100, observe(HealthObservation.up()));
        WeightPolicy.Decision held = policy.suspect("n2", "master 192.168.77.12 fell silent");
        assertEquals(0, held.weight(), "at once, before any failed probe");
        assertEquals(RiseFall.State.UP, held.state(), "its health state is not rewritten");
        assertTrue(held.reason().contains("fell silent"), held.reason());
        assertEquals(0, policy.decision("n2").weight());
        assertEquals(0, observe(HealthObservation.error("connect timeout")), "a failure keeps it held (and counts for fall)");
        assertEquals(100, observe(HealthObservation.up()), "one UP result clears a false suspicion; rise is not needed");
        assertEquals(100, observe(HealthObservation.error("timeout")), "cleared: a failure short of fall keeps the weight");
        // a true suspicion: the failures that follow take it DOWN, and coming back needs rise as after any failure
        policy.setDestination("n3", 10);
        policy.observe("n3", HealthObservation.up());
        policy.suspect("n3", "silent");
        for (int i = 0; i < 3; i++) {
            policy.observe("n3", HealthObservation.error("timeout"));
        }
        assertEquals(RiseFall.State.DOWN, policy.decision("n3").state());
        assertEquals(0, policy.observe("n3", HealthObservation.up()).weight(), "DOWN: one UP is not rise");
        assertEquals(10, policy.observe("n3", HealthObservation.up()).weight());
        assertThrows(IllegalArgumentException.class, () -> policy.suspect("n9", "x"));
    }

    @Test
    void applicationRequestedWeightIsClampedAndImmediate() {
        policy.setDestination("n2", 100);
        assertEquals(40, observe(asking(ProbeOutcome.UP, 40L)));
        assertEquals(100, observe(asking(ProbeOutcome.UP, 500L)), "clamped to configured");
        assertTrue(policy.decision("n2").reason().contains("clamped to 0..100"), policy.decision("n2").reason());
        assertEquals(0, observe(asking(ProbeOutcome.UP, -5L)), "clamped to 0");
        assertEquals(25, observe(asking(ProbeOutcome.UP, "25")), "decimal string accepted");
        assertEquals(100, observe(asking(ProbeOutcome.UP, "a lot")), "not an integer: ignored");
        assertEquals(100, observe(asking(ProbeOutcome.UP, new java.math.BigDecimal("12.5"))), "fraction: ignored");
        assertEquals(30, observe(asking(ProbeOutcome.UP, 30L)));
        assertEquals(30, observe(HealthObservation.error("timeout")), "a failure without data keeps the request");
        assertEquals(100, observe(HealthObservation.up()), "an UP without the key withdraws the request");
        assertEquals(0, observe(asking(ProbeOutcome.DOWN, 0L)), "a DOWN asking for 0 (drain) acts at once, before fall");
    }

    @Test
    void smallestRequestOverAllChecksWins() {
        HealthReport r = new HealthReport(Status.UP, List.of(
                new CheckResult("a", Status.UP, Map.of(WeightPolicy.WEIGHT_DATA_KEY, 70L)),
                new CheckResult("b", Status.UP, Map.of(WeightPolicy.WEIGHT_DATA_KEY, 20L)),
                new CheckResult("c", Status.UP, Map.of("other", 1L))), Optional.empty());
        assertEquals(OptionalLong.of(20), HealthObservation.requestedWeight(r));
    }

    @Test
    void silentDestinationGoesToZeroAndNeedsRiseToReturn() {
        policy.setDestination("n2", 100);
        assertEquals(100, observe(HealthObservation.up()));
        clock.advance(Duration.ofSeconds(9));
        assertEquals(100, policy.decisions().get("n2").weight());
        clock.advance(Duration.ofSeconds(1));
        WeightPolicy.Decision stale = policy.decisions().get("n2");
        assertEquals(0, stale.weight());
        assertTrue(stale.reason().startsWith("no health result for 10000 ms"), stale.reason());
        assertEquals(0, observe(HealthObservation.up()));
        assertEquals(100, observe(HealthObservation.up()));
    }

    @Test
    void aPauseOfTheFeederIsNotSilenceOfTheDestinations() {
        policy.setDestination("n2", 100);
        policy.setDestination("n3", 50);
        assertEquals(100, observe(HealthObservation.up()));
        policy.observe("n3", HealthObservation.up());
        // the master's own JVM stood still for 12 s (> staleAfter 10 s); its loop notices and excuses 11 s of it
        clock.advance(Duration.ofSeconds(12));
        policy.excusePause(Duration.ofSeconds(11));
        assertEquals(100, policy.decisions().get("n2").weight());
        assertEquals(50, policy.decisions().get("n3").weight());
        // silence after the pause still counts: 9 more seconds without results make 10 s
        clock.advance(Duration.ofSeconds(8));
        assertEquals(100, policy.decisions().get("n2").weight());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, policy.decisions().get("n2").weight());
    }

    @Test
    void anExcusedPauseNeverMovesSilenceIntoTheFuture() {
        policy.setDestination("n2", 100);
        observe(HealthObservation.up());
        clock.advance(Duration.ofSeconds(2));
        policy.excusePause(Duration.ofHours(1)); // larger than the silence: the clock stops at now
        clock.advance(Duration.ofSeconds(9));
        assertEquals(100, policy.decisions().get("n2").weight());
        clock.advance(Duration.ofSeconds(1));
        WeightPolicy.Decision stale = policy.decisions().get("n2");
        assertEquals(0, stale.weight());
        assertTrue(stale.reason().startsWith("no health result for 10000 ms"), stale.reason());
    }

    @Test
    void flappingResultsDoNotMoveTheWeight() {
        policy.setDestination("n2", 100);
        observe(HealthObservation.up());
        int changes = 0;
        int last = 100;
        for (int i = 0; i < 3600; i++) {
            // two failures, one success, forever: never `fall` (3) in a row
            int w = observe(i % 3 == 2 ? HealthObservation.up() : HealthObservation.down("flap"));
            if (w != last) {
                changes++;
                last = w;
            }
        }
        assertEquals(0, changes);
        assertEquals(100, last);
    }

    @Test
    void localReportDrivesTheLocalDestination() {
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.register("/shop", HealthKind.READINESS, () -> HealthCheckResponse.named("queue-depth")
                .withData(WeightPolicy.WEIGHT_DATA_KEY, 60).up().build());
        registry.applicationsDeployed();
        try (HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults())) {
            policy.setDestination("self", 80);
            WeightPolicy.Decision d = policy.observe("self", HealthObservation.of(evaluator.evaluate(HealthKind.READINESS)));
            assertEquals(60, d.weight(), d.reason());
            drain.startDraining("redeploy");
            d = policy.observe("self", HealthObservation.of(evaluator.evaluate(HealthKind.READINESS)));
            assertEquals(0, d.weight(), "draining sets weight 0 at once: " + d.reason());
            assertEquals(RiseFall.State.UP, d.state(), "the destination stays (inhibit), health not yet fallen");
            evaluator.close();
            d = policy.observe("self", HealthObservation.of(evaluator.evaluate(HealthKind.READINESS)));
            assertEquals(ProbeOutcome.ERROR, HealthObservation.of(evaluator.evaluate(HealthKind.READINESS)).outcome());
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> policy.setDestination("n9", 70000));
        assertEquals("weight of n9: 70000 is not allowed; use 0..65535", w.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> policy.observe("nope", HealthObservation.up()));
        assertTrue(u.getMessage().startsWith("destination: 'nope' is not known"), u.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> new WeightPolicy.Settings(2, 0, Duration.ofSeconds(1)));
        assertEquals("fall: 0 is not allowed; use 1..100", f.getMessage());
    }
}
