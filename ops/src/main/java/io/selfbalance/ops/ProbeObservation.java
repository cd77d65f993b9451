package io.selfbalance.ops;

import java.time.Duration;

/**
 * One health probe of one node finished (one sample of the probe latency histogram).
 *
 * @param node the probed node's configured name
 * @param outcome how it ended, e.g. {@code UP}, {@code DOWN}, {@code ERROR} (a bounded set: it becomes a label)
 * @param latency from connecting to the complete answer (or to the failure)
 */
public record ProbeObservation(String node, String outcome, Duration latency) {
    public ProbeObservation {
        Checks.name("node", node);
        Checks.name("outcome", outcome);
        Checks.present("latency", latency);
        Checks.optionalDuration("latency", latency);
    }
}
