package io.selfbalance.ops;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs keepalived-compatible notify hooks for router state changes, off the control loop.
 *
 * <p>Like keepalived: on a change to MASTER, BACKUP, FAULT or STOP the state's own hook ({@code notify_master}...)
 * runs with its configured arguments only, then {@code notify} runs with its configured arguments followed by
 * {@code INSTANCE <router name> <STATE> <priority>} (keepalived's four extra arguments; Selfbalance has no sync
 * groups, so the first is always {@code INSTANCE}). Unlike keepalived, a configured command is always an argument
 * vector executed directly: there is never a shell, so {@code ;}, {@code $(...)} or spaces in any argument or in a
 * router name reach the program literally.
 *
 * <p>{@link #submit} never blocks: it queues the state change for a single worker thread, so hooks run one at a
 * time in the order of the state changes (a BACKUP hook never overtakes the MASTER hook before it). The queue is
 * bounded; when it is full the change is dropped with a WARN line and a {@code REJECTED} result, because a control
 * loop must never wait for a script. Each run has a time limit: then the program and everything it started get
 * SIGTERM, and SIGKILL {@link NotifySettings#KILL_GRACE} later. Standard input is {@code /dev/null}; standard
 * output and error are logged line by line (logger {@value #LOGGER_NAME}) as they come.
 */
public final class NotifyRunner implements AutoCloseable {
    public static final String LOGGER_NAME = "io.selfbalance.ops.notify";
    /** Longer output lines are cut (a script printing a binary file must not flood the log). */
    static final int MAX_LINE_CHARS = 4096;
    /** Lines logged per stream and run; the rest is read and counted but not logged. */
    static final int MAX_LINES_PER_STREAM = 1000;

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final NotifySettings settings;
    private final Consumer<NotifyResult> results;
    private final Logger log;
    private final ThreadPoolExecutor worker;
    private final String threadPrefix;
    private final AtomicInteger pumpThreads = new AtomicInteger();

    public NotifyRunner(NotifySettings settings, Consumer<NotifyResult> results) {
        this(settings, results, LoggerFactory.getLogger(LOGGER_NAME));
    }

    /**
     * @param results told about every run (and every rejected state change), on the worker thread; for metrics
     * @param log where run results and program output go
     */
    public NotifyRunner(NotifySettings settings, Consumer<NotifyResult> results, Logger log) {
        this.settings = Checks.present("settings", settings);
        this.results = Checks.present("results", results);
        this.log = Checks.present("log", log);
        this.threadPrefix = "selfbalance-notify-" + RUNNERS.incrementAndGet();
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.queueCapacity()), r -> {
                    Thread t = new Thread(r, threadPrefix);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    public NotifySettings settings() {
        return settings;
    }

    /**
     * Queues the hooks for {@code instance} entering {@code state}; returns at once.
     *
     * @param priority the router's priority now (keepalived's fourth {@code notify} argument), 0..255
     * @return false when no hook is configured for this state, or the change was rejected (queue full, closed)
     */
    public boolean submit(String instance, NotifyState state, int priority) {
        Checks.name("instance", instance);
        Checks.present("state", state);
        Checks.range("priority", priority, 0, 255);
        List<Run> runs = runsFor(instance, state, priority);
        if (runs.isEmpty()) {
            return false;
        }
        try {
            worker.execute(() -> runs.forEach(this::execute));
            return true;
        } catch (RejectedExecutionException e) {
            String why = worker.isShutdown() ? "runner closed" : "queue full (" + settings.queueCapacity() + " waiting)";
            for (Run run : runs) {
                report(new NotifyResult(run.hook, instance, state, run.argv, NotifyResult.Outcome.REJECTED, -1,
                        Duration.ZERO, why));
            }
            return false;
        }
    }

    /** {@link #close(Duration)} with the time one run may take. */
    @Override
    public void close() {
        close(settings.timeout().plus(NotifySettings.KILL_GRACE));
    }

    /**
     * Stops taking changes and lets the queued hooks run for up to {@code maxWait} (so a STOP hook submitted just
     * before still runs at shutdown); then the running program is killed and what is still queued is dropped.
     */
    public void close(Duration maxWait) {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                List<Runnable> dropped = worker.shutdownNow();
                log.warn(new KeyValueLine().add("event", "notify_close").add("dropped", dropped.size())
                        .add("reason", "still running after " + KeyValueLine.millis(maxWait) + " ms").toString());
                worker.awaitTermination(NotifySettings.KILL_GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private List<Run> runsFor(String instance, NotifyState state, int priority) {
        List<Run> runs = new ArrayList<>(2);
        NotifyHook own = NotifyHook.forState(state);
        List<String> ownArgv = settings.command(own);
        if (!ownArgv.isEmpty()) {
            runs.add(new Run(own, instance, state, ownArgv));
        }
        List<String> notifyArgv = settings.command(NotifyHook.NOTIFY);
        if (!notifyArgv.isEmpty()) {
            List<String> argv = new ArrayList<>(notifyArgv);
            argv.add("INSTANCE");
            argv.add(instance);
            argv.add(state.name());
            argv.add(Integer.toString(priority));
            runs.add(new Run(NotifyHook.NOTIFY, instance, state, List.copyOf(argv)));
        }
        return runs;
    }

    private record Run(NotifyHook hook, String instance, NotifyState state, List<String> argv) {
    }

    private void execute(Run run) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(run.argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException | RuntimeException e) {
            report(new NotifyResult(run.hook, run.instance, run.state, run.argv, NotifyResult.Outcome.NOT_STARTED, -1,
                    Duration.ZERO, String.valueOf(e.getMessage())));
            return;
        }
        Thread out = pump(run, process.getInputStream(), "stdout");
        Thread err = pump(run, process.getErrorStream(), "stderr");
        boolean exited;
        boolean interrupted = false;
        try {
            exited = process.waitFor(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            exited = false; // close() gave up waiting: treat like a timeout, kill it
            interrupted = true;
        }
        if (!exited) {
            killTree(process);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // The pipes close when the program and its children are gone; the bound only matters for a grandchild
        // that escaped into its own session and keeps the pipe open.
        join(out);
        join(err);
        NotifyResult result;
        if (exited) {
            int code = process.exitValue();
            result = new NotifyResult(run.hook, run.instance, run.state, run.argv,
                    code == 0 ? NotifyResult.Outcome.SUCCEEDED : NotifyResult.Outcome.FAILED, code, took, null);
        } else {
            result = new NotifyResult(run.hook, run.instance, run.state, run.argv, NotifyResult.Outcome.TIMED_OUT, -1,
                    took, interrupted ? "runner closed" : "time limit " + KeyValueLine.millis(settings.timeout()) + " ms");
        }
        report(result);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void killTree(Process process) {
        // Collected before the parent dies: afterwards its children are re-parented and no longer found from it.
        // The program first: it must not see its children die and go on running (e.g. past a "wait").
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + NotifySettings.KILL_GRACE.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception ignored) {
                    // still alive (or interrupted): SIGKILL below
                }
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread pump(Run run, InputStream in, String stream) {
        Thread t = new Thread(() -> readLines(run, in, stream), threadPrefix + "-" + stream + "-" + pumpThreads.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readLines(Run run, InputStream in, String stream) {
        int logged = 0;
        long skipped = 0;
        StringBuilder line = new StringBuilder();
        boolean cut = false;
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            int n;
            while ((n = r.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n') {
                        if (logged < MAX_LINES_PER_STREAM) {
                            logLine(run, stream, line, cut);
                            logged++;
                        } else {
                            skipped++;
                        }
                        line.setLength(0);
                        cut = false;
                    } else if (line.length() < MAX_LINE_CHARS) {
                        line.append(c);
                    } else {
                        cut = true;
                    }
                }
            }
        } catch (IOException e) {
            // the pipe was closed under us (process killed): whatever was read is logged below
        }
        if (!line.isEmpty()) {
            if (logged < MAX_LINES_PER_STREAM) {
                logLine(run, stream, line, cut);
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            log.warn(base(run).add("stream", stream).add("lines_not_logged", skipped).toString());
        }
    }

    private void logLine(Run run, String stream, CharSequence text, boolean cut) {
        KeyValueLine kv = base(run).add("stream", stream).add("line", text.toString());
        if (cut) {
            kv.add("cut", "true"); // the line was longer than MAX_LINE_CHARS
        }
        String l = kv.toString();
        if (stream.equals("stderr")) {
            log.warn(l);
        } else {
            log.info(l);
        }
    }

    private static KeyValueLine base(Run run) {
        return new KeyValueLine().add("event", "notify_output").add("hook", run.hook.keepalivedName())
                .add("instance", run.instance);
    }

    private void report(NotifyResult r) {
        String line = new KeyValueLine()
                .add("event", "notify")
                .add("hook", r.hook().keepalivedName())
                .add("instance", r.instance())
                .add("state", r.state())
                .add("outcome", r.outcome())
                .add("exit", r.exitCode() < 0 ? null : r.exitCode())
                .addMillis("took_ms", r.took())
                .add("command", String.join(" ", r.command()))
                .add("detail", r.detail())
                .toString();
        if (r.outcome() == NotifyResult.Outcome.SUCCEEDED) {
            log.info(line);
        } else {
            log.warn(line);
        }
        try {
            results.accept(r);
        } catch (RuntimeException e) {
            log.warn("notify: result listener failed", e);
        }
    }
}
