package io.selfbalance.health.probe;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.selfbalance.health.HealthReport;

/**
 * The result of one probe.
 *
 * @param peer the probed peer
 * @param outcome UP, DOWN or ERROR
 * @param reason a short human-readable explanation (e.g. {@code "HTTP 503"}, {@code "read timeout after 2000 ms"})
 * @param latency from the start of the probe (connect included when a new connection was needed) to the result
 * @param httpStatus the response status, 0 when no status line was received
 * @param body the parsed health body when there was one
 * @param reusedConnection whether a kept-alive connection was used
 */
public record ProbeResult(PeerTarget peer, ProbeOutcome outcome, String reason, Duration latency, int httpStatus,
        Optional<HealthReport> body, boolean reusedConnection) {

    public ProbeResult {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(body, "body");
    }

    @Override
    public String toString() {
        return peer.id() + " " + outcome + " (" + reason + ") in " + latency.toMillis() + " ms"
                + (reusedConnection ? " reused" : "");
    }
}
