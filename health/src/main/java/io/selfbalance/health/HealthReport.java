package io.selfbalance.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;

/**
 * The result of evaluating one health endpoint: overall status (logical conjunction of the checks), the checks,
 * the HTTP status to answer with and the JSON body in the MicroProfile Health wire format.
 *
 * @param status overall status
 * @param checks the individual results, in registration order
 * @param undeterminedReason present when the request could not be processed (HTTP 500); the status is then DOWN
 */
public record HealthReport(Status status, List<CheckResult> checks, Optional<String> undeterminedReason) {

    /** Data key under which a synthesized DOWN result explains itself. */
    public static final String ROOT_CAUSE_KEY = "rootCause";

    public HealthReport {
        Objects.requireNonNull(status, "status");
        checks = List.copyOf(checks);
        Objects.requireNonNull(undeterminedReason, "undeterminedReason");
    }

    /** A report that could not be evaluated: HTTP 500, body {@code {"status":"DOWN","checks":[]}}. */
    public static HealthReport undetermined(String reason) {
        return new HealthReport(Status.DOWN, List.of(), Optional.of(reason));
    }

    public boolean isUp() {
        return status == Status.UP;
    }

    /** 200 for UP, 503 for DOWN, 500 when the request could not be processed. */
    public int httpStatus() {
        if (undeterminedReason.isPresent()) {
            return 500;
        }
        return status == Status.UP ? 200 : 503;
    }

    /** Media type of {@link #toJson()}. */
    public static String contentType() {
        return "application/json; charset=UTF-8";
    }

    /**
     * The body: {@code {"status":"UP|DOWN","checks":[{"name":..,"status":..,"data":{..}}]}}, {@code data} only when
     * the check has data, values as JSON strings, booleans or numbers.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(64 + 64 * checks.size());
        out.append("{\"status\":");
        Json.writeString(out, status.name());
        out.append(",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"name\":");
            Json.writeString(out, c.name());
            out.append(",\"status\":");
            Json.writeString(out, c.status().name());
            if (!c.data().isEmpty()) {
                out.append(",\"data\":{");
                boolean first = true;
                for (Map.Entry<String, Object> e : c.data().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    Json.writeString(out, e.getKey());
                    out.append(':');
                    Json.writeScalar(out, e.getValue());
                }
                out.append('}');
            }
            out.append('}');
        }
        out.append("]}");
        return out.toString();
    }

    /**
     * Reads a health body in the wire format (for example a peer's answer).
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not JSON or not a health body
     */
    public static HealthReport fromJson(CharSequence json) {
        Object root = Json.parse(json);
        if (!(root instanceof Map<?, ?> obj)) {
            throw new IllegalArgumentException("health body: expected a JSON object, got " + kindOf(root));
        }
        Status status = parseStatus("status", obj.get("status"));
        List<CheckResult> results = new ArrayList<>();
        Object checks = obj.get("checks");
        if (checks != null) {
            if (!(checks instanceof List<?> list)) {
                throw new IllegalArgumentException("health body: 'checks' must be an array, got " + kindOf(checks));
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> c)) {
                    throw new IllegalArgumentException("health body: checks[" + i + "] must be an object, got " + kindOf(list.get(i)));
                }
                Object name = c.get("name");
                if (!(name instanceof String n)) {
                    throw new IllegalArgumentException("health body: checks[" + i + "].name must be a string, got " + kindOf(name));
                }
                Status cs = parseStatus("checks[" + i + "].status", c.get("status"));
                Map<String, Object> data = new LinkedHashMap<>();
                Object d = c.get("data");
                if (d instanceof Map<?, ?> dm) {
                    dm.forEach((k, v) -> data.put((String) k, v));
                } else if (d != null) {
                    throw new IllegalArgumentException("health body: checks[" + i + "].data must be an object, got " + kindOf(d));
                }
                results.add(new CheckResult(n, cs, data));
            }
        }
        return new HealthReport(status, results, Optional.empty());
    }

    private static Status parseStatus(String where, Object value) {
        if ("UP".equals(value)) {
            return Status.UP;
        }
        if ("DOWN".equals(value)) {
            return Status.DOWN;
        }
        throw new IllegalArgumentException("health body: '" + where + "' must be \"UP\" or \"DOWN\", got "
                + (value instanceof String s ? "\"" + s + "\"" : kindOf(value)));
    }

    private static String kindOf(Object v) {
        if (v == null) {
            return "null/missing";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return v.getClass().getSimpleName() + " " + v;
    }
}
