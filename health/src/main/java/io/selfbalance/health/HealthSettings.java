package io.selfbalance.health;

import java.time.Duration;
import java.util.Locale;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;

/**
 * Settings of the health evaluator.
 *
 * @param checkTimeout time limit of one check in one evaluation; a check still running then is reported DOWN
 * @param emptyReadinessResponse value of {@code mp.health.default.readiness.empty.response}: the readiness status
 *        while no application has been deployed yet (the spec's default is DOWN)
 * @param emptyStartupResponse value of {@code mp.health.default.startup.empty.response}, likewise for startup
 * @param maxConcurrentChecks how many checks may run at once on the evaluator's threads (hung ones included)
 */
public record HealthSettings(Duration checkTimeout, Status emptyReadinessResponse, Status emptyStartupResponse,
        int maxConcurrentChecks) {

    public static final String EMPTY_READINESS_KEY = "mp.health.default.readiness.empty.response";
    public static final String EMPTY_STARTUP_KEY = "mp.health.default.startup.empty.response";

    public HealthSettings {
        if (checkTimeout == null || checkTimeout.isNegative() || checkTimeout.isZero()
                || checkTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("checkTimeout: " + checkTimeout + " is not allowed; use a duration above 0 and at most 5 minutes");
        }
        if (emptyReadinessResponse == null) {
            throw new IllegalArgumentException(EMPTY_READINESS_KEY + ": null is not allowed; use UP or DOWN");
        }
        if (emptyStartupResponse == null) {
            throw new IllegalArgumentException(EMPTY_STARTUP_KEY + ": null is not allowed; use UP or DOWN");
        }
        if (maxConcurrentChecks < 1 || maxConcurrentChecks > 1024) {
            throw new IllegalArgumentException("maxConcurrentChecks: " + maxConcurrentChecks + " is not allowed; use 1..1024");
        }
    }

    /** 2 s per check, both empty responses DOWN (the spec's default), at most 32 checks running at once. */
    public static HealthSettings defaults() {
        return new HealthSettings(Duration.ofSeconds(2), Status.DOWN, Status.DOWN, 32);
    }

    public HealthSettings withCheckTimeout(Duration timeout) {
        return new HealthSettings(timeout, emptyReadinessResponse, emptyStartupResponse, maxConcurrentChecks);
    }

    public HealthSettings withEmptyResponses(Status readiness, Status startup) {
        return new HealthSettings(checkTimeout, readiness, startup, maxConcurrentChecks);
    }

    /**
     * Reads a {@code mp.health.default.*.empty.response} value: {@code UP} or {@code DOWN} (any case), or
     * {@code null}/blank for the spec's default DOWN.
     *
     * @param key the property name, for the error message
     */
    public static Status parseEmptyResponse(String key, String value) {
        if (value == null || value.isBlank()) {
            return Status.DOWN;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.equals("UP")) {
            return Status.UP;
        }
        if (v.equals("DOWN")) {
            return Status.DOWN;
        }
        throw new IllegalArgumentException(key + ": '" + value + "' is not allowed; use UP or DOWN");
    }
}
