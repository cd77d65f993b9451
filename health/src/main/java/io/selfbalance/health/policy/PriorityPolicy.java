package io.selfbalance.health.policy;

import java.time.Duration;
import java.util.Objects;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;

import io.selfbalance.health.HealthKind;

/**
 * Turns local health into the VRRP priority to advertise.
 *
 * <ul>
 * <li>The node starts out of mastership (priority 0) and enters after {@code rise} consecutive UP evaluations of the
 * chosen kind (readiness by default, or liveness): a node never takes the VIP before its applications are ready.</li>
 * <li>After {@code fall} consecutive DOWN evaluations it leaves at once: priority 0, which for a master means
 * "resign now" (RFC 5798 priority-0 advertisement, a backup takes over after Skew_Time), and for a backup means
 * "do not become master".</li>
 * <li>Hysteresis against storms: once out, the node stays out for a hold time even if it recovers sooner. The hold
 * starts at {@code minHold}; a node that falls again within {@code 4 × hold} of re-entering is flapping, so its
 * next hold doubles, up to {@code maxHold}. A node that stays in for {@code 4 × hold} is forgiven (hold back to
 * {@code minHold}). Flapping health thus causes at most a few transitions per {@code maxHold}, not one per
 * evaluation.</li>
 * </ul>
 * Not thread-safe: called from the control-plane event loop only. Time comes from the injected {@link Ticker}.
 */
public final class PriorityPolicy {

    /**
     * @param priority the configured VRRP priority, 1..255, advertised while eligible
     * @param source which local health kind drives the policy: READINESS or LIVENESS
     * @param rise consecutive UP evaluations to become eligible
     * @param fall consecutive DOWN evaluations to resign
     * @param minHold shortest time out of mastership after resigning
     * @param maxHold longest time out of mastership for a flapping node
     */
    public record Settings(int priority, HealthKind source, int rise, int fall, Duration minHold, Duration maxHold) {
        public Settings {
            if (priority < 1 || priority > 255) {
                throw new IllegalArgumentException("priority: " + priority + " is not allowed; use 1..255");
            }
            if (source != HealthKind.READINESS && source != HealthKind.LIVENESS) {
                throw new IllegalArgumentException("source: " + source + " is not allowed; use READINESS or LIVENESS");
            }
            new RiseFall(rise, fall, RiseFall.State.DOWN); // validates rise and fall with named messages
            if (minHold == null || minHold.isNegative()) {
                throw new IllegalArgumentException("minHold: " + minHold + " is not allowed; use a duration of 0 or more");
            }
            if (maxHold == null || maxHold.compareTo(minHold) < 0) {
                throw new IllegalArgumentException("maxHold: " + maxHold + " is not allowed; use a duration of at least minHold (" + minHold + ")");
            }
        }
    }

    /**
     * What to advertise now.
     *
     * @param priority the VRRP priority: the configured one while eligible, 0 when out (resign / stay backup)
     * @param eligible whether the node may be master
     * @param changed whether this decision differs from the previous one (the caller acts only then)
     * @param reason why
     */
    public record Decision(int priority, boolean eligible, boolean changed, String reason) {
    }

    private final Settings settings;
    private final Ticker ticker;
    private final RiseFall health;
    private boolean eligible;
    private long enteredNanos;
    private long holdUntilNanos;
    private Duration hold;
    private int transitions;
    private String reason = "no local health evaluation yet";

    public PriorityPolicy(Settings settings, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.health = new RiseFall(settings.rise(), settings.fall(), RiseFall.State.DOWN);
        this.hold = settings.minHold();
        this.holdUntilNanos = ticker.nanoTime(); // no hold before the first entry: only `rise` applies at start
    }

    public Settings settings() {
        return settings;
    }

    /** Records one local evaluation of {@link Settings#source()} and returns the priority to advertise. */
    public Decision onLocalHealth(Status status) {
        Objects.requireNonNull(status, "status");
        long now = ticker.nanoTime();
        health.record(status == Status.UP);
        boolean was = eligible;
        String source = settings.source().name().toLowerCase(java.util.Locale.ROOT);
        if (eligible && health.state() == RiseFall.State.DOWN) {
            boolean flapping = now - enteredNanos < hold.multipliedBy(4).toNanos();
            hold = flapping ? min(hold.multipliedBy(2), settings.maxHold()) : settings.minHold();
            eligible = false;
            holdUntilNanos = now + hold.toNanos();
            reason = source + " DOWN for " + settings.fall() + " evaluations: resign (priority 0), stay out at least "
                    + hold.toMillis() + " ms" + (flapping ? " (flapping: hold doubled)" : "");
        } else if (!eligible && health.state() == RiseFall.State.UP) {
            if (now >= holdUntilNanos) {
                eligible = true;
                enteredNanos = now;
                reason = source + " UP for " + settings.rise() + " evaluations: eligible for mastership";
            } else {
                reason = source + " UP, held out " + Duration.ofNanos(holdUntilNanos - now).toMillis() + " ms more against flapping";
            }
        } else if (eligible) {
            reason = health.streak() > 0
                    ? source + " DOWN " + health.streak() + " of " + settings.fall() + " evaluations before resigning"
                    : source + " UP";
        } else {
            reason = health.streak() > 0
                    ? source + " UP " + health.streak() + " of " + settings.rise() + " evaluations before becoming eligible"
                    : source + " DOWN: out of mastership";
        }
        boolean changed = eligible != was;
        if (changed) {
            transitions++;
        }
        return new Decision(eligible ? settings.priority() : 0, eligible, changed, reason);
    }

    /** The current decision without recording anything ({@code changed} false). */
    public Decision current() {
        return new Decision(eligible ? settings.priority() : 0, eligible, false, reason);
    }

    /** How many times eligibility changed since creation (for status and tests). */
    public int transitions() {
        return transitions;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
