package io.selfbalance.ops;

import java.time.Duration;
import java.util.List;

/**
 * How one hook run ended.
 *
 * @param hook which hook
 * @param instance the router name it was about
 * @param state the state it announced
 * @param command the exact argument vector executed
 * @param outcome how it ended
 * @param exitCode the program's exit status; -1 when it did not exit by itself (killed, not started, rejected)
 * @param took from start to end (zero when not started)
 * @param detail why it failed to start or was rejected, else null
 */
public record NotifyResult(NotifyHook hook, String instance, NotifyState state, List<String> command, Outcome outcome,
                           int exitCode, Duration took, String detail) {
    public enum Outcome {
        /** Exited with status 0. */
        SUCCEEDED,
        /** Exited with another status. */
        FAILED,
        /** Still running at the time limit: killed. */
        TIMED_OUT,
        /** Could not be executed (missing, not executable...). */
        NOT_STARTED,
        /** The queue was full or the runner closed: not run at all. */
        REJECTED
    }

    public NotifyResult {
        command = List.copyOf(command);
    }
}
