package io.selfbalance.health;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs checks one at a time on one daemon thread, so the evaluator adds one thread to the server, not one per check
 * that happens to run at the same moment (a node probed by its peers and evaluating itself evaluates all the time).
 *
 * <p>A check still running {@code handOffNanos} after it started keeps its thread, and the checks queued behind it
 * move to a fresh thread: a hung or slow check holds one thread and does not make the others late. At most
 * {@code maxThreads} threads exist, those held by running checks included; when all are held, queued checks wait
 * (and their evaluation reports them as not run in time). The thread taking the queue ends after {@code idleNanos}
 * without work; a thread left with a slow check ends once that check returns.
 *
 * <p>Thread-safe; the state is guarded by this object's monitor (a few fields, held for a few instructions).
 */
final class CheckRunner implements AutoCloseable {

    private static final AtomicInteger RUNNER_IDS = new AtomicInteger();

    private final String namePrefix;
    private final int maxThreads;
    private final long handOffNanos;
    private final long idleNanos;
    private final AtomicInteger threadIds = new AtomicInteger();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** Every live thread of this runner: the one taking the queue and those left with a slow check. */
    private final List<Worker> workers = new ArrayList<>();
    /** The thread that takes the queue, or null (none started yet, idle one ended, or the last one was left). */
    private Worker taking;
    private boolean closed;

    /** Runs first on every thread of this runner (e.g. its scheduling priority); failures are its own to report. */
    private final Runnable onThreadStart;

    CheckRunner(String name, int maxThreads, long handOffNanos, long idleNanos, Runnable onThreadStart) {
        this.onThreadStart = onThreadStart;
        this.namePrefix = name + "-" + RUNNER_IDS.incrementAndGet() + "-";
        this.maxThreads = maxThreads;
        this.handOffNanos = handOffNanos;
        this.idleNanos = idleNanos;
    }

    /**
     * Queues {@code task}; throws {@link RejectedExecutionException} when closed, or when no thread takes the queue
     * and every allowed thread is held by a running check (the task could only wait for one of them to return).
     */
    synchronized void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the check runner is closed");
        }
        if (taking == null) {
            if (workers.size() >= maxThreads) {
                throw new RejectedExecutionException("all " + maxThreads + " check threads are held by running checks");
            }
            taking = start();
        }
        queue.add(task);
        notifyAll();
    }

    /** How many threads this runner has now (for tests and the status). */
    synchronized int threads() {
        return workers.size();
    }

    /** Interrupts every thread (a hung check gets the interrupt) and drops what is queued. */
    @Override
    public synchronized void close() {
        closed = true;
        queue.clear();
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        notifyAll();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private Worker start() {
        Worker w = new Worker();
        w.thread = new Thread(() -> work(w), namePrefix + threadIds.incrementAndGet());
        w.thread.setDaemon(true);
        workers.add(w);
        w.thread.start();
        return w;
    }

    private void work(Worker self) {
        try {
            onThreadStart.run();
        } catch (RuntimeException | LinkageError e) {
            // the hook reports its own failures; running the checks matters more
        }
        try {
            while (true) {
                Runnable task;
                long run;
                synchronized (this) {
                    long idleUntil = System.nanoTime() + idleNanos;
                    while (taking == self && queue.isEmpty() && !closed) {
                        long left = idleUntil - System.nanoTime();
                        if (left <= 0) {
                            taking = null;
                            return;
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                    if (taking != self || closed) {
                        return; // left with a slow check that has now returned, or closed
                    }
                    task = queue.poll();
                    run = ++self.runs;
                    self.busy = true;
                }
                // the watchdog: if this very run is still going at the hand-off time, the queue moves on without it
                // (run on the JDK's delay thread itself, which the evaluator's time limits use already: no pool thread)
                CompletableFuture.delayedExecutor(handOffNanos, TimeUnit.NANOSECONDS, Runnable::run).execute(() -> handOff(self, run));
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // the task completes its own future; nothing may end the thread that takes the queue
                } finally {
                    // a check that re-asserted an interrupt must not end the thread for the checks after it (close()
                    // is seen through the closed flag)
                    Thread.interrupted();
                    synchronized (this) {
                        self.busy = false;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                workers.remove(self);
                if (taking == self) {
                    taking = null;
                }
                // queued checks whose thread ended (closed, or interrupted) get a new one if allowed
                if (!closed && !queue.isEmpty() && taking == null && workers.size() < maxThreads) {
                    taking = start();
                }
            }
        }
    }

    /** Called {@code handOffNanos} after run {@code run} of {@code w} started: a run still going there keeps w. */
    private synchronized void handOff(Worker w, long run) {
        if (closed || taking != w || !w.busy || w.runs != run) {
            return;
        }
        taking = null;
        if (!queue.isEmpty() && workers.size() < maxThreads) {
            taking = start();
        }
        notifyAll();
    }

    private static final class Worker {
        Thread thread;
        long runs;
        boolean busy;
    }
}
