package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {

    private final HealthRegistry registry = new HealthRegistry();
    // 1 s per check: long enough for a trivial check on a heavily loaded host, short enough for the hang tests.
    private final HealthEvaluator evaluator = new HealthEvaluator(registry,
            HealthSettings.defaults().withCheckTimeout(Duration.ofMillis(1000)));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        evaluator.close();
    }

    static final class ExplodingCheck implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            throw new IllegalStateException("database gone");
        }
    }

    /** An InstantCheck runs on the evaluating thread (no pool thread); an ordinary check on the pool. */
    @Test
    void anInstantCheckRunsOnTheEvaluatingThreadAndOthersOnThePool() {
        java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.register("selfbalance", HealthKind.READINESS, (InstantCheck) () -> {
            threads.add("instant " + Thread.currentThread().getName());
            return HealthCheckResponse.up("instant");
        });
        registry.register("app", HealthKind.READINESS, () -> {
            threads.add("pooled " + Thread.currentThread().getName());
            return HealthCheckResponse.up("pooled");
        });
        registry.applicationsDeployed(); // readiness is not held DOWN for webapps still deploying
        String caller = Thread.currentThread().getName();
        HealthReport r = evaluator.evaluate(HealthKind.READINESS);
        assertEquals(200, r.httpStatus(), r.toJson());
        assertTrue(threads.contains("instant " + caller), threads.toString());
        assertTrue(threads.stream().anyMatch(t -> t.startsWith("pooled selfbalance-health-")), threads.toString());
        // and a throwing one is still a DOWN under its class name, not a failed evaluation
        registry.register("selfbalance", HealthKind.READINESS, (InstantCheck) () -> {
            throw new IllegalStateException("flag unreadable");
        });
        HealthReport down = evaluator.evaluate(HealthKind.READINESS);
        assertEquals(503, down.httpStatus(), down.toJson());
        assertTrue(down.toJson().contains("flag unreadable"), down.toJson());
    }

    @Test
    void throwingCheckIsDownUnderItsClassName() {
        registry.register("app", HealthKind.LIVENESS, new ExplodingCheck());
        registry.register("app", HealthKind.LIVENESS, () -> HealthCheckResponse.up("fine"));
        HealthReport r = evaluator.evaluate(HealthKind.LIVENESS);
        assertEquals(503, r.httpStatus());
        CheckResult failed = r.checks().get(0);
        assertEquals(ExplodingCheck.class.getName(), failed.name());
        assertEquals(Status.DOWN, failed.status());
        assertTrue(failed.data().get("rootCause").toString().contains("database gone"), failed.toString());
        assertEquals(CheckResult.up("fine"), r.checks().get(1));
        HealthSchema.assertValid(r.toJson());
    }

    @Test
    void nullOrNamelessResponseIsDownUnderClassName() {
        HealthCheck nullCheck = () -> null;
        HealthCheck nameless = () -> new HealthCheckResponse(null, Status.UP, java.util.Optional.empty());
        registry.register("app", HealthKind.READINESS, nullCheck);
        registry.register("app", HealthKind.READINESS, nameless);
        registry.applicationsDeployed();
        HealthReport r = evaluator.evaluate(HealthKind.READINESS);
        assertEquals(nullCheck.getClass().getName(), r.checks().get(0).name());
        assertEquals(nameless.getClass().getName(), r.checks().get(1).name());
        assertEquals(Status.DOWN, r.status());
        HealthSchema.assertValid(r.toJson());
    }

    @Test
    void hungCheckIsDownByItsLastNameWithinTheLimitAndHoldsOneThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Boolean> hang = new AtomicReference<>(false);
        registry.register("app", HealthKind.LIVENESS, () -> {
            calls.incrementAndGet();
            if (hang.get()) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HealthCheckResponse.up("slow-db");
        });
        registry.register("app", HealthKind.LIVENESS, () -> HealthCheckResponse.up("quick"));
        assertEquals(Status.UP, evaluator.evaluate(HealthKind.LIVENESS).status());

        hang.set(true);
        long t0 = System.nanoTime();
        HealthReport r = evaluator.evaluate(HealthKind.LIVENESS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(503, r.httpStatus());
        assertEquals("slow-db", r.checks().get(0).name(), "hung check is reported by its last known name");
        assertEquals(Status.DOWN, r.checks().get(0).status());
        assertTrue(r.checks().get(0).data().get("rootCause").toString().startsWith("timed out"), r.toString());
        assertEquals(CheckResult.up("quick"), r.checks().get(1));
        assertTrue(tookMs >= 990, "waited the limit, took " + tookMs + " ms");

        // Further evaluations while it hangs wait on the same run: no second call, no second thread.
        for (int i = 0; i < 3; i++) {
            assertEquals(Status.DOWN, evaluator.evaluate(HealthKind.LIVENESS).checks().get(0).status());
        }
        assertEquals(2, calls.get());
        release.countDown();
        hang.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        HealthReport after;
        do {
            after = evaluator.evaluate(HealthKind.LIVENESS);
        } while (after.status() != Status.UP && System.nanoTime() < deadline);
        assertEquals(Status.UP, after.status(), "recovers once the check returns");
    }

    /**
     * Checks that return in time run one at a time on one thread, however many callers evaluate at once (a node is
     * evaluated by its own tick and by every peer's probe): the evaluator adds one thread to the server.
     */
    @Test
    void checksThatReturnInTimeRunOneAtATimeOnOneThread() throws Exception {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            String name = "check-" + i;
            registry.register("app", HealthKind.READINESS, () -> {
                threads.add(Thread.currentThread().getName());
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return HealthCheckResponse.up(name);
            });
        }
        registry.applicationsDeployed();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<HealthReport>> reports = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                reports.add(callers.submit(() -> evaluator.evaluate(HealthKind.READINESS)));
            }
            for (Future<HealthReport> f : reports) {
                assertEquals(Status.UP, f.get(10, TimeUnit.SECONDS).status());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, threads.size(), "one thread ran every check: " + threads);
        assertTrue(threads.iterator().next().startsWith("selfbalance-health-"), threads.toString());
        assertEquals(1, mostAtOnce.get(), "one check at a time");
        assertEquals(1, evaluator.checkThreads());
    }

    /** The hook runs first on the check thread, before any check, once per thread. */
    @Test
    void theCheckThreadHookRunsFirstOnTheCheckThread() {
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        HealthEvaluator hooked = new HealthEvaluator(registry, HealthSettings.defaults(),
                () -> order.add("hook " + Thread.currentThread().getName()));
        try {
            registry.register("app", HealthKind.LIVENESS, () -> {
                order.add("check " + Thread.currentThread().getName());
                return HealthCheckResponse.up("c");
            });
            assertEquals(Status.UP, hooked.evaluate(HealthKind.LIVENESS).status());
            assertEquals(Status.UP, hooked.evaluate(HealthKind.LIVENESS).status());
            assertEquals(3, order.size(), order.toString());
            String thread = order.get(0).substring("hook ".length());
            assertEquals(List.of("hook " + thread, "check " + thread, "check " + thread), order);
        } finally {
            hooked.close();
        }
    }

    /**
     * A check that hangs keeps its thread; the checks queued behind it move on to a fresh thread at half the time
     * limit and are answered within the limit. Once it returns, its thread ends: one thread again.
     */
    @Test
    void aHungCheckKeepsItsThreadAndTheOthersMoveOnToAFreshOne() throws Exception {
        registry.register("app", HealthKind.LIVENESS, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthCheckResponse.up("hung");
        });
        AtomicReference<String> quickThread = new AtomicReference<>();
        registry.register("app", HealthKind.LIVENESS, () -> {
            quickThread.set(Thread.currentThread().getName());
            return HealthCheckResponse.up("quick");
        });
        HealthReport r = evaluator.evaluate(HealthKind.LIVENESS);
        assertEquals(Status.DOWN, r.checks().get(0).status(), r.toString());
        assertTrue(r.checks().get(0).data().get("rootCause").toString().startsWith("timed out: still running"), r.toString());
        assertEquals(CheckResult.up("quick"), r.checks().get(1), "the check behind the hung one ran in time: " + r);
        assertEquals(2, evaluator.checkThreads(), "the hung check holds one thread, the queue another");
        String freshThread = quickThread.get();
        assertEquals(CheckResult.up("quick"), evaluator.evaluate(HealthKind.LIVENESS).checks().get(1));
        assertEquals(freshThread, quickThread.get(), "later checks stay on the fresh thread");
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (evaluator.checkThreads() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, evaluator.checkThreads(), "the thread left with the hung check ended once it returned");
        assertEquals(Status.UP, evaluator.evaluate(HealthKind.LIVENESS).status());
    }

    @Test
    void neverAnsweredHungCheckIsDownByClassName() {
        HealthCheck stuck = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthCheckResponse.up("never-seen");
        };
        registry.register("app", HealthKind.STARTUP, stuck);
        registry.applicationsDeployed();
        HealthReport r = evaluator.evaluate(HealthKind.STARTUP);
        assertEquals(stuck.getClass().getName(), r.checks().get(0).name());
        assertEquals(503, r.httpStatus());
    }

    @Test
    void tooManyHungChecksAreDownWithoutQueueing() {
        HealthEvaluator small = new HealthEvaluator(registry, new HealthSettings(Duration.ofMillis(500), Status.DOWN, Status.DOWN, 2));
        try {
            for (int i = 0; i < 3; i++) {
                String name = "hung-" + i;
                registry.register("app", HealthKind.LIVENESS, () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HealthCheckResponse.up(name);
                });
            }
            HealthReport r = small.evaluate(HealthKind.LIVENESS);
            assertEquals(3, r.checks().size());
            assertTrue(r.checks().get(2).data().get("rootCause").toString().contains("maxConcurrentChecks"), r.toString());
        } finally {
            small.close();
        }
    }

    @Test
    void checkRunsWithItsOwnClassLoaderAsContextLoader() throws Exception {
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        HealthCheck check = () -> {
            seen.set(Thread.currentThread().getContextClassLoader());
            return HealthCheckResponse.up("tccl");
        };
        registry.register("app", HealthKind.LIVENESS, check);
        ClassLoader callerLoader = new URLClassLoader(new URL[0], null);
        Thread.currentThread().setContextClassLoader(callerLoader);
        try {
            evaluator.evaluate(HealthKind.LIVENESS);
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }
        assertSame(check.getClass().getClassLoader(), seen.get());
    }

    @Test
    void ownersAreRemovedWholeWhileOtherThreadsEvaluate() throws Exception {
        registry.applicationsDeployed();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, () -> HealthCheckResponse.up("vendor"));
        // Not about time limits: a limit no loaded host reaches.
        HealthEvaluator patient = new HealthEvaluator(registry, HealthSettings.defaults().withCheckTimeout(Duration.ofMinutes(1)));
        int threads = 4;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "/app" + t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    registry.register(owner, HealthKind.READINESS, () -> HealthCheckResponse.up(owner));
                    registry.register(owner, HealthKind.LIVENESS, () -> HealthCheckResponse.up(owner));
                    assertEquals(2, registry.unregisterAll(owner));
                }
                return null;
            }));
        }
        futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < 100; i++) {
                HealthReport r = patient.evaluateAll();
                assertEquals(200, r.httpStatus(), r.toJson());
                HealthSchema.assertValid(r.toJson());
            }
            return null;
        }));
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        patient.close();
        assertEquals(1, registry.registrations().size());
        assertEquals(List.of(CheckResult.up("vendor")), evaluator.evaluate(HealthKind.READINESS).checks());
    }

    @Test
    void registryRejectsBlankOwnerNamingTheArgument() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> registry.register(" ", HealthKind.LIVENESS, () -> HealthCheckResponse.up("x")));
        assertTrue(e.getMessage().startsWith("owner: ' '"), e.getMessage());
    }

    @Test
    void reportRoundTripsThroughItsJson() {
        HealthReport r = new HealthReport(Status.DOWN, List.of(
                new CheckResult("a\"b", Status.UP, java.util.Map.of("selfbalance.weight", 40L)),
                CheckResult.down("b", "why")), java.util.Optional.empty());
        HealthReport back = HealthReport.fromJson(r.toJson());
        assertEquals(r, back);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HealthReport.fromJson("{\"status\":\"MAYBE\",\"checks\":[]}"));
        assertTrue(e.getMessage().contains("'status' must be \"UP\" or \"DOWN\", got \"MAYBE\""), e.getMessage());
    }
}
