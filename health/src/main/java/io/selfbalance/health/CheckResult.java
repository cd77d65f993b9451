package io.selfbalance.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;

/**
 * The outcome of one check in one evaluation, as it appears in the {@code checks} array.
 *
 * @param name the check's name (its class name when it threw, its last known name when it timed out)
 * @param status UP or DOWN
 * @param data the optional key/value data (string, boolean or number values), empty when there is none
 */
public record CheckResult(String name, Status status, Map<String, Object> data) {

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        data = data == null || data.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static CheckResult up(String name) {
        return new CheckResult(name, Status.UP, Map.of());
    }

    public static CheckResult down(String name, String rootCause) {
        return new CheckResult(name, Status.DOWN, Map.of(HealthReport.ROOT_CAUSE_KEY, rootCause));
    }

    public boolean isUp() {
        return status == Status.UP;
    }
}
