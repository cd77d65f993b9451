package io.selfbalance.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The notify hooks: for each {@link NotifyHook}, an argument vector (program path first, then its own arguments),
 * empty when the hook is not configured. Programs are executed directly, never through a shell, so nothing in a
 * configured argument or in a router name is ever interpreted.
 *
 * @param commands argument vector per hook; missing or empty = not configured
 * @param timeout how long one run may take before it is killed (SIGTERM, then SIGKILL after {@link #KILL_GRACE})
 * @param queueCapacity how many state changes may wait for the runner; more are dropped (and logged, and counted)
 */
public record NotifySettings(Map<NotifyHook, List<String>> commands, Duration timeout, int queueCapacity) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_QUEUE_CAPACITY = 64;
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** How long a timed-out program gets between SIGTERM and SIGKILL. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(1);
    public static final String TIMEOUT_KEY = "selfbalance.notify.timeout";
    public static final String QUEUE_CAPACITY_KEY = "selfbalance.notify.queue-capacity";

    public NotifySettings {
        Checks.present("commands", commands);
        EnumMap<NotifyHook, List<String>> copy = new EnumMap<>(NotifyHook.class);
        for (NotifyHook hook : NotifyHook.values()) {
            List<String> argv = commands.get(hook);
            copy.put(hook, argv == null ? List.of() : validArgv(hook, argv));
        }
        commands = Map.copyOf(copy);
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(TIMEOUT_KEY + " = " + timeout + " is invalid; allowed: more than 0s, at most 1h");
        }
        Checks.range(QUEUE_CAPACITY_KEY, queueCapacity, 1, 10_000);
    }

    /** No hook configured, default limits. */
    public static NotifySettings none() {
        return new NotifySettings(Map.of(), DEFAULT_TIMEOUT, DEFAULT_QUEUE_CAPACITY);
    }

    /** A copy with {@code hook} set to {@code argv}. */
    public NotifySettings with(NotifyHook hook, List<String> argv) {
        EnumMap<NotifyHook, List<String>> copy = new EnumMap<>(commands);
        copy.put(hook, argv);
        return new NotifySettings(copy, timeout, queueCapacity);
    }

    public NotifySettings withTimeout(Duration newTimeout) {
        return new NotifySettings(commands, newTimeout, queueCapacity);
    }

    public NotifySettings withQueueCapacity(int capacity) {
        return new NotifySettings(commands, timeout, capacity);
    }

    public List<String> command(NotifyHook hook) {
        return commands.get(hook);
    }

    public boolean anyConfigured() {
        return commands.values().stream().anyMatch(argv -> !argv.isEmpty());
    }

    /**
     * Checks that every configured program exists and is executable now, so a typo fails the start with the key
     * in the message instead of a failed run at the first failover.
     */
    public void checkProgramsExecutable() {
        for (NotifyHook hook : NotifyHook.values()) {
            List<String> argv = commands.get(hook);
            if (!argv.isEmpty()) {
                Path program = Path.of(argv.get(0));
                if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
                    throw new IllegalArgumentException(hook.configKey() + " = " + argv + " is invalid: " + program
                            + " is not an executable file; allowed: the absolute path of an executable program, then its arguments");
                }
            }
        }
    }

    private static List<String> validArgv(NotifyHook hook, List<String> argv) {
        for (String arg : argv) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(hook.configKey() + " = " + argv
                        + " is invalid: an argument is null or contains NUL; allowed: strings without NUL");
            }
        }
        if (!argv.isEmpty() && !Path.of(argv.get(0)).isAbsolute()) {
            // Absolute only: a relative name would be looked up in PATH or the working directory of Jetty, which
            // is neither obvious nor stable.
            throw new IllegalArgumentException(hook.configKey() + " = " + argv + " is invalid: '" + argv.get(0)
                    + "' is not an absolute path; allowed: the absolute path of an executable program, then its arguments");
        }
        return List.copyOf(argv);
    }
}
