package io.selfbalance.health.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

import io.selfbalance.health.probe.ProbeOutcome;

/**
 * Turns health results into IPVS destination weights.
 *
 * <ul>
 * <li>A healthy destination (stable state UP) gets its configured weight.</li>
 * <li>After {@code fall} consecutive DOWN or ERROR results it gets weight 0. The destination stays in the table
 * (keepalived's {@code inhibit_on_failure}): IPVS sends it no new connections while its established ones finish.
 * It returns to its weight after {@code rise} consecutive UP results.</li>
 * <li>The first result of a new destination decides at once; until then its weight is 0.</li>
 * <li>A destination with no result for {@code staleAfter} is DOWN (weight 0): whoever fed it has stopped. Time
 * in which the feeder itself did not run ({@link #excusePause}) does not count.</li>
 * <li><b>Weight requests.</b> An application may ask for a lower weight, to shed load gradually, by adding the
 * data key {@value #WEIGHT_DATA_KEY} to any of its health check responses, e.g.
 * {@code HealthCheckResponse.named("queue").withData("selfbalance.weight", 20).up().build()}. The value is an
 * integer from 0 to the configured weight; a bigger value is clamped to the configured weight, a negative one to 0,
 * and a value that is not an integer is ignored. With several checks asking, the smallest value wins. A request
 * takes effect at once (no rise/fall), because it is deliberate; it never raises a DOWN destination above 0. It
 * stays in force until an UP result arrives without it (DOWN/ERROR results without data keep the last request).</li>
 * <li><b>Suspects.</b> The caller may hold a destination at weight 0 on evidence from outside its health results
 * ({@link #suspect}: e.g. it was the master and its advertisements stopped, so it is cut off or dead). Its next UP
 * result clears this; its DOWN results count towards {@code fall} as usual. A false suspicion costs one probe
 * interval of that node's share; a true one saves the {@code fall} probes (and their timeouts) during which new
 * connections would be sent into a black hole.</li>
 * </ul>
 * Not thread-safe: called from the control-plane event loop only. Time comes from the injected {@link Ticker}.
 */
public final class WeightPolicy {

    /** The check data key through which an application asks for a lower weight. */
    public static final String WEIGHT_DATA_KEY = "selfbalance.weight";

    /** Largest weight IPVS accepts from us. */
    public static final int MAX_WEIGHT = 65535;

    /**
     * @param rise consecutive UP results that bring a destination back to its weight
     * @param fall consecutive DOWN/ERROR results that set its weight to 0
     * @param staleAfter a destination without results for this long is DOWN
     */
    public record Settings(int rise, int fall, Duration staleAfter) {
        public Settings {
            new RiseFall(rise, fall, RiseFall.State.UNKNOWN); // validates rise and fall with named messages
            if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("staleAfter: " + staleAfter + " is not allowed; use a duration above 0");
            }
        }
    }

    /**
     * The weight of one destination and why.
     *
     * @param weight what to program into IPVS now
     * @param state the destination's stable health state
     */
    public record Decision(String destination, int weight, int configuredWeight, RiseFall.State state, String reason) {
    }

    private static final class Destination {
        final RiseFall health;
        int configuredWeight;
        OptionalLong requested = OptionalLong.empty();
        long lastResultNanos;
        boolean hasResult;
        String reason = "no health result yet";
        /** Held at weight 0 until the next UP result ({@link #suspect}). */
        String suspicion;

        Destination(Settings s, int configuredWeight) {
            this.health = new RiseFall(s.rise(), s.fall(), RiseFall.State.UNKNOWN);
            this.configuredWeight = configuredWeight;
        }
    }

    private final Settings settings;
    private final Ticker ticker;
    private final Map<String, Destination> destinations = new LinkedHashMap<>();

    public WeightPolicy(Settings settings, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Adds a destination or changes its configured weight (0..65535). */
    public void setDestination(String id, int configuredWeight) {
        if (configuredWeight < 0 || configuredWeight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight of " + id + ": " + configuredWeight + " is not allowed; use 0.." + MAX_WEIGHT);
        }
        Destination d = destinations.get(id);
        if (d == null) {
            d = new Destination(settings, configuredWeight);
            d.lastResultNanos = ticker.nanoTime();
            destinations.put(id, d);
        } else {
            d.configuredWeight = configuredWeight;
        }
    }

    /**
     * Tells the policy that whoever feeds it (this process: its probes and its event loop) did not run for
     * {@code pause}, e.g. a long GC or a starved CPU, seen as a periodic task that ran that much late. No destination
     * is blamed for silence that the feeder caused: every destination's silence clock moves forward by the pause
     * (never past now). Without this, one pause of the master longer than {@code staleAfter} would give every node
     * weight 0 at once, before the probe results queued behind the pause are read: a cluster-wide outage that no
     * node caused. A dead node still goes to 0 through its failed probes ({@code fall}) and, if probes stop
     * entirely, through staleness once the feeder runs again.
     */
    public void excusePause(Duration pause) {
        if (pause == null || pause.isNegative() || pause.isZero()) {
            return;
        }
        long now = ticker.nanoTime();
        long credit = pause.toNanos();
        for (Destination d : destinations.values()) {
            d.lastResultNanos = Math.min(now, d.lastResultNanos + credit);
        }
    }

    public void removeDestination(String id) {
        destinations.remove(id);
    }

    /**
     * Holds {@code id} at weight 0 until its next UP result, because of {@code why} (evidence from outside its health
     * results). Its health state and its rise/fall counting are unchanged, so a false suspicion ends with one UP
     * result, not {@code rise} of them.
     */
    public Decision suspect(String id, String why) {
        Destination d = destination(id);
        d.suspicion = Objects.requireNonNull(why, "why");
        return decide(id, d);
    }

    /** Records a result for {@code id} and returns its weight now. */
    public Decision observe(String id, HealthObservation observation) {
        Destination d = destination(id);
        d.lastResultNanos = ticker.nanoTime();
        d.hasResult = true;
        boolean good = observation.outcome() == ProbeOutcome.UP;
        d.health.record(good);
        if (good) {
            d.suspicion = null;
        }
        if (observation.requestedWeight().isPresent()) {
            d.requested = observation.requestedWeight();
        } else if (good) {
            d.requested = OptionalLong.empty();
        }
        d.reason = observation.outcome() + ": " + observation.reason();
        return decide(id, d);
    }

    /** The weight of every destination now (staleness applied), in the order they were added. */
    public Map<String, Decision> decisions() {
        Map<String, Decision> out = new LinkedHashMap<>();
        destinations.forEach((id, d) -> out.put(id, decide(id, d)));
        return out;
    }

    /**
     * Whether {@code id}'s weight is what its health says: it has a result, and it is not on its way UP (a DOWN
     * destination with UP results that have not reached {@code rise} yet). A node about to become master waits for
     * this, so its first IPVS table does not give weight 0 to a peer that is only just coming back.
     */
    public boolean settled(String id) {
        Destination d = destination(id);
        RiseFall.State state = d.health.state();
        return d.hasResult && state != RiseFall.State.UNKNOWN && !(state == RiseFall.State.DOWN && d.health.streak() > 0);
    }

    /** The weight of {@code id} now. */
    public Decision decision(String id) {
        Destination d = destination(id);
        return decide(id, d);
    }

    private Destination destination(String id) {
        Destination d = destinations.get(id);
        if (d == null) {
            throw new IllegalArgumentException("destination: '" + id + "' is not known; known are " + destinations.keySet());
        }
        return d;
    }

    private Decision decide(String id, Destination d) {
        long silentNanos = ticker.nanoTime() - d.lastResultNanos;
        if (silentNanos >= settings.staleAfter().toNanos() && d.health.state() != RiseFall.State.DOWN) {
            // Force DOWN so that coming back needs `rise` fresh results, as after any failure.
            d.health.force(RiseFall.State.DOWN);
            d.reason = "no health result for " + Duration.ofNanos(silentNanos).toMillis() + " ms (staleAfter "
                    + settings.staleAfter().toMillis() + " ms)";
        }
        RiseFall.State state = d.health.state();
        if (state != RiseFall.State.UP) {
            return new Decision(id, 0, d.configuredWeight, state, d.reason);
        }
        if (d.suspicion != null) {
            return new Decision(id, 0, d.configuredWeight, state, d.suspicion + "; weight 0 until its next UP result");
        }
        int weight = d.configuredWeight;
        String reason = d.reason;
        if (d.requested.isPresent()) {
            long asked = d.requested.getAsLong();
            weight = (int) Math.max(0, Math.min(d.configuredWeight, asked));
            reason += "; application asks " + WEIGHT_DATA_KEY + "=" + asked
                    + (weight != asked ? " (clamped to 0.." + d.configuredWeight + ")" : "");
        }
        if (d.health.streak() > 0) {
            reason += "; " + d.health.streak() + " of " + d.health.fall() + " failures before weight 0";
        }
        return new Decision(id, weight, d.configuredWeight, state, reason);
    }
}
