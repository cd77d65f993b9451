package io.selfbalance.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one structured line per router state change through SLF4J (so it lands wherever Jetty's own log goes).
 * Logger {@value #LOGGER_NAME}, level INFO, except WARN when the router enters {@link RouterState#FAULT}. Example:
 * <pre>
 * event=transition router=main vrid=51 from=BACKUP to=MASTER cause=MASTER_DOWN_TIMEOUT peer=192.168.77.12 priority=150 previous_state_ms=3012 switch_ms=14.25 at=2026-11-26T00:00:00.123Z
 * </pre>
 * Every line has the same keys in the same order; an unknown value is {@code -}.
 */
public final class TransitionLog {
    /** A stable logger name, so operators can route these lines (e.g. to their own file) in their logging config. */
    public static final String LOGGER_NAME = "io.selfbalance.ops.transition";

    private final Logger logger;

    public TransitionLog() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    public TransitionLog(Logger logger) {
        this.logger = Checks.present("logger", logger);
    }

    public void log(TransitionEvent e) {
        String line = format(e);
        if (e.to() == RouterState.FAULT) {
            logger.warn(line);
        } else {
            logger.info(line);
        }
    }

    /** The line for {@code e}, exactly as logged. */
    public static String format(TransitionEvent e) {
        return new KeyValueLine()
                .add("event", "transition")
                .add("router", e.router())
                .add("vrid", e.vrid())
                .add("from", e.from())
                .add("to", e.to())
                .add("cause", e.cause())
                .add("peer", e.peer())
                .add("priority", e.priority())
                .addMillis("previous_state_ms", e.timeInPreviousState())
                .addMillis("switch_ms", e.switchTook())
                .add("at", e.at())
                .toString();
    }
}
