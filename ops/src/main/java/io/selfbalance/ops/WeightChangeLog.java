package io.selfbalance.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one structured line per IPVS weight change through SLF4J. Logger {@value #LOGGER_NAME}; level WARN when a
 * node that had traffic loses it (weight drops to 0), INFO otherwise. Example:
 * <pre>
 * event=weight_change node=n2 address=192.168.77.12 from=100 to=0 configured=100 health=DOWN reason="3 failed probes: connection refused" previous_weight_ms=61000 probe_ms=1.5 at=2026-11-26T00:01:00Z
 * </pre>
 */
public final class WeightChangeLog {
    public static final String LOGGER_NAME = "io.selfbalance.ops.weight";

    private final Logger logger;

    public WeightChangeLog() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    public WeightChangeLog(Logger logger) {
        this.logger = Checks.present("logger", logger);
    }

    public void log(WeightChangeEvent e) {
        String line = format(e);
        if (e.to() == 0 && e.from() > 0) {
            logger.warn(line);
        } else {
            logger.info(line);
        }
    }

    /** The line for {@code e}, exactly as logged. */
    public static String format(WeightChangeEvent e) {
        return new KeyValueLine()
                .add("event", "weight_change")
                .add("node", e.node())
                .add("address", e.address())
                .add("from", e.from())
                .add("to", e.to())
                .add("configured", e.configuredWeight())
                .add("health", e.health())
                .add("reason", e.reason())
                .addMillis("previous_weight_ms", e.timeAtPreviousWeight())
                .addMillis("probe_ms", e.probeLatency())
                .add("at", e.at())
                .toString();
    }
}
