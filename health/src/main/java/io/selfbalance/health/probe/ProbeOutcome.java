package io.selfbalance.health.probe;

/** What one probe found. */
public enum ProbeOutcome {
    /** HTTP 200 with a health body whose status is UP. */
    UP,
    /** HTTP 503, or a health body whose status is DOWN: the peer answers and says it is unhealthy. */
    DOWN,
    /** No usable answer: timeout, refused, reset, closed early, garbage, unparsable body, unexpected status. */
    ERROR
}
