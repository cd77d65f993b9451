package io.selfbalance.health.policy;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalLong;

import io.selfbalance.health.CheckResult;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.probe.ProbeOutcome;
import io.selfbalance.health.probe.ProbeResult;

/**
 * One health result of one node, as the policies consume it: a peer's probe result or the local evaluation.
 *
 * @param outcome UP, DOWN or ERROR
 * @param requestedWeight the weight the application asks for through the check data key
 *        {@value WeightPolicy#WEIGHT_DATA_KEY} (smallest valid value over all checks), not yet clamped
 * @param reason why, for logs and status
 */
public record HealthObservation(ProbeOutcome outcome, OptionalLong requestedWeight, String reason) {

    public HealthObservation {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requestedWeight, "requestedWeight");
        Objects.requireNonNull(reason, "reason");
    }

    public static HealthObservation up() {
        return new HealthObservation(ProbeOutcome.UP, OptionalLong.empty(), "UP");
    }

    public static HealthObservation down(String reason) {
        return new HealthObservation(ProbeOutcome.DOWN, OptionalLong.empty(), reason);
    }

    public static HealthObservation error(String reason) {
        return new HealthObservation(ProbeOutcome.ERROR, OptionalLong.empty(), reason);
    }

    /** A peer's probe result, with the weight request found in its body. */
    public static HealthObservation of(ProbeResult probe) {
        OptionalLong requested = probe.body().map(HealthObservation::requestedWeight).orElse(OptionalLong.empty());
        return new HealthObservation(probe.outcome(), requested, probe.reason());
    }

    /** The local evaluation (e.g. of readiness); an undetermined report (HTTP 500) is an ERROR. */
    public static HealthObservation of(HealthReport local) {
        ProbeOutcome outcome = local.undeterminedReason().isPresent() ? ProbeOutcome.ERROR
                : local.isUp() ? ProbeOutcome.UP : ProbeOutcome.DOWN;
        String reason = local.undeterminedReason().orElse("local HTTP " + local.httpStatus());
        return new HealthObservation(outcome, requestedWeight(local), reason);
    }

    /**
     * The smallest integral value of {@value WeightPolicy#WEIGHT_DATA_KEY} over the report's checks. Accepted: JSON
     * integers and strings holding a decimal integer; anything else (fractions, words, booleans) is ignored.
     */
    public static OptionalLong requestedWeight(HealthReport report) {
        long min = Long.MAX_VALUE;
        boolean found = false;
        for (CheckResult c : report.checks()) {
            Object v = c.data().get(WeightPolicy.WEIGHT_DATA_KEY);
            OptionalLong w = integral(v);
            if (w.isPresent()) {
                min = Math.min(min, w.getAsLong());
                found = true;
            }
        }
        return found ? OptionalLong.of(min) : OptionalLong.empty();
    }

    private static OptionalLong integral(Object v) {
        try {
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                return OptionalLong.of(((Number) v).longValue());
            }
            if (v instanceof BigDecimal d) {
                return OptionalLong.of(d.longValueExact());
            }
            if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) {
                return OptionalLong.of(Long.parseLong(s.trim()));
            }
        } catch (ArithmeticException e) {
            // a fraction or out of range: not a weight
        }
        return OptionalLong.empty();
    }
}
