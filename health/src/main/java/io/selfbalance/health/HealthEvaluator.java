package io.selfbalance.health;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;

import io.selfbalance.health.HealthRegistry.Registration;
import io.selfbalance.health.HealthRegistry.Run;

/**
 * Runs the registered checks and produces {@link HealthReport}s.
 *
 * <ul>
 * <li>Checks run on the evaluator's own daemon thread (never on the caller's), one at a time, each with the context
 * class loader of the check's class, so a webapp's check sees its webapp. One thread: a node evaluates all the time
 * (its own tick, its peers' probes), and a thread per check running at the same moment was most of the module's
 * threads. A check still running after half its time limit keeps its thread and the others move on to a fresh one
 * ({@link CheckRunner}), so a slow check does not make the others late; at most
 * {@link HealthSettings#maxConcurrentChecks()} threads.</li>
 * <li>A check still running after {@link HealthSettings#checkTimeout()} is DOWN under its last known name (else its
 * class name) with a {@code rootCause}. It is not interrupted: later evaluations wait on the same run instead of
 * starting another, so a hung check holds at most one thread.</li>
 * <li>A check that throws, or returns {@code null}, or a response without name or status, is DOWN with the check's
 * runtime class name as {@code name}, as the spec requires.</li>
 * <li>Readiness and startup answer the configured empty response while {@link HealthRegistry#isApplicationsDeployed()}
 * is false: their status is that value in conjunction with any checks already registered.</li>
 * </ul>
 * Thread-safe. {@link #close()} stops the threads; afterwards every evaluation is undetermined (HTTP 500).
 */
public final class HealthEvaluator implements AutoCloseable {

    /** A runner's thread that had no check to run for this long ends (a node that is evaluated keeps it). */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final HealthRegistry registry;
    private final HealthSettings settings;
    private final CheckRunner runner;

    public HealthEvaluator(HealthRegistry registry, HealthSettings settings) {
        this(registry, settings, () -> { });
    }

    /**
     * @param onCheckThread runs first on every thread that runs checks: a new thread inherits its creator's
     *        scheduling priority (which may be the control loop's, raised for VRRP), so the caller can give the
     *        webapps' checks the server's own; its failures are its own to report
     */
    public HealthEvaluator(HealthRegistry registry, HealthSettings settings, Runnable onCheckThread) {
        this.registry = registry;
        this.settings = settings;
        this.runner = new CheckRunner("selfbalance-health", settings.maxConcurrentChecks(),
                settings.checkTimeout().toNanos() / 2, IDLE_NANOS, java.util.Objects.requireNonNull(onCheckThread, "onCheckThread"));
    }

    public HealthSettings settings() {
        return settings;
    }

    public HealthRegistry registry() {
        return registry;
    }

    /** Evaluates the checks of one kind ({@code /health/live}, {@code /health/ready}, {@code /health/started}). */
    public CompletableFuture<HealthReport> evaluateAsync(HealthKind kind) {
        return evaluateAsync(EnumSet.of(kind));
    }

    /** Evaluates all kinds, as {@code /health} does. */
    public CompletableFuture<HealthReport> evaluateAllAsync() {
        return evaluateAsync(EnumSet.allOf(HealthKind.class));
    }

    /** Blocking form of {@link #evaluateAsync(HealthKind)}; returns within about the check timeout. */
    public HealthReport evaluate(HealthKind kind) {
        return await(evaluateAsync(kind));
    }

    /** Blocking form of {@link #evaluateAllAsync()}. */
    public HealthReport evaluateAll() {
        return await(evaluateAllAsync());
    }

    private static HealthReport await(CompletableFuture<HealthReport> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthReport.undetermined("interrupted while waiting for the checks");
        } catch (ExecutionException e) {
            return HealthReport.undetermined("evaluation failed: " + e.getCause());
        }
    }

    private CompletableFuture<HealthReport> evaluateAsync(Set<HealthKind> kinds) {
        if (runner.isClosed()) {
            return CompletableFuture.completedFuture(HealthReport.undetermined("health evaluator is stopped"));
        }
        try {
            List<Registration> selected = new ArrayList<>();
            for (Registration r : registry.registrations()) {
                if (kinds.contains(r.kind())) {
                    selected.add(r);
                }
            }
            boolean emptyResponseDown = false;
            if (!registry.isApplicationsDeployed()) {
                emptyResponseDown = (kinds.contains(HealthKind.READINESS) && settings.emptyReadinessResponse() == Status.DOWN)
                        || (kinds.contains(HealthKind.STARTUP) && settings.emptyStartupResponse() == Status.DOWN);
            }
            boolean forcedDown = emptyResponseDown;
            @SuppressWarnings("unchecked")
            CompletableFuture<CheckResult>[] futures = new CompletableFuture[selected.size()];
            for (int i = 0; i < futures.length; i++) {
                futures[i] = resultOf(selected.get(i));
            }
            return CompletableFuture.allOf(futures).handle((ignored, failure) -> {
                if (failure != null) {
                    return HealthReport.undetermined("evaluation failed: " + failure);
                }
                List<CheckResult> results = new ArrayList<>(futures.length);
                boolean allUp = !forcedDown;
                for (CompletableFuture<CheckResult> f : futures) {
                    CheckResult c = f.join();
                    results.add(c);
                    allUp &= c.isUp();
                }
                return new HealthReport(allUp ? Status.UP : Status.DOWN, results, Optional.empty());
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(HealthReport.undetermined("evaluation failed: " + e));
        }
    }

    /** The result of one check for this evaluation: never fails, completes within the check timeout. */
    private CompletableFuture<CheckResult> resultOf(Registration r) {
        Run run;
        try {
            run = runOf(r);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(CheckResult.down(r.displayName(),
                    "not run: " + e.getMessage() + " (maxConcurrentChecks " + settings.maxConcurrentChecks() + ")"));
        }
        long timeoutMillis = settings.checkTimeout().toMillis();
        return run.future().handle((response, failure) -> toResult(r, response, failure))
                .completeOnTimeout(null, timeoutMillis, TimeUnit.MILLISECONDS)
                .thenApply(result -> result != null ? result
                        : CheckResult.down(r.displayName(), run.called().get()
                                ? "timed out: still running after "
                                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - run.startNanos()) + " ms (limit "
                                        + timeoutMillis + " ms)"
                                : "not run within the limit of " + timeoutMillis + " ms: all "
                                        + settings.maxConcurrentChecks() + " check threads (maxConcurrentChecks) were held by running checks"));
    }

    /** The run in progress for {@code r}, or a new one; an {@link InstantCheck} runs here and now. */
    private Run runOf(Registration r) {
        if (r.check() instanceof InstantCheck) {
            Run now = new Run(new CompletableFuture<>(), System.nanoTime(), new java.util.concurrent.atomic.AtomicBoolean());
            call(r.check(), now);
            return now;
        }
        while (true) {
            Run current = r.inFlight.get();
            if (current != null && !current.future().isDone()) {
                return current;
            }
            Run fresh = new Run(new CompletableFuture<>(), System.nanoTime(), new java.util.concurrent.atomic.AtomicBoolean());
            if (!r.inFlight.compareAndSet(current, fresh)) {
                continue;
            }
            try {
                runner.execute(() -> call(r.check(), fresh));
            } catch (RejectedExecutionException e) {
                r.inFlight.compareAndSet(fresh, null);
                throw e;
            }
            return fresh;
        }
    }

    private static void call(HealthCheck check, Run run) {
        run.called().set(true);
        CompletableFuture<HealthCheckResponse> future = run.future();
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        ClassLoader loader = check.getClass().getClassLoader();
        try {
            if (loader != null) {
                thread.setContextClassLoader(loader);
            }
            future.complete(check.call());
        } catch (Throwable t) {
            future.completeExceptionally(t);
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    private static CheckResult toResult(Registration r, HealthCheckResponse response, Throwable failure) {
        String className = r.check().getClass().getName();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return CheckResult.down(className, "check threw " + cause);
        }
        if (response == null) {
            return CheckResult.down(className, "check returned null instead of a HealthCheckResponse");
        }
        if (response.getName() == null || response.getName().isBlank()) {
            return CheckResult.down(className, "check returned a response without a name");
        }
        r.lastName = response.getName();
        if (response.getStatus() == null) {
            return CheckResult.down(response.getName(), "check returned a response without a status");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        Optional<Map<String, Object>> d = response.getData();
        if (d != null && d.isPresent()) {
            for (Map.Entry<String, Object> e : d.get().entrySet()) {
                if (e.getKey() != null && e.getValue() != null) {
                    data.put(e.getKey(), e.getValue());
                }
            }
        }
        return new CheckResult(response.getName(), response.getStatus(), data);
    }

    /** How many threads run checks now (one while checks return in time). */
    public int checkThreads() {
        return runner.threads();
    }

    /** Stops the check threads; hung checks are interrupted. */
    @Override
    public void close() {
        runner.close();
    }
}
