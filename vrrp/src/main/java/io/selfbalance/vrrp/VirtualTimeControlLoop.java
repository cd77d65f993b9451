package io.selfbalance.vrrp;

import java.util.PriorityQueue;

/**
 * A deterministic {@link ControlLoop} for tests: time moves only when the test advances it, and
 * tasks run in time order (ties in submission order) on the thread that advances it.
 */
public final class VirtualTimeControlLoop implements ControlLoop {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    private final class Task implements Comparable<Task>, Timer {
        final long at;
        final long seq = sequence++;
        final Runnable body;
        boolean cancelled;

        Task(long at, Runnable body) {
            this.at = at;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + Math.max(0, delayNanos), task);
        queue.add(t);
        return t;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    /** Runs every task due up to {@code now + nanos}, then sets the clock there. */
    public void advance(long nanos) {
        runUntil(now + nanos);
    }

    /** Runs every task due up to the absolute time {@code t} (in time order), then sets the clock to {@code t}. */
    public void runUntil(long t) {
        while (!queue.isEmpty() && queue.peek().at <= t) {
            Task task = queue.poll();
            if (task.cancelled) {
                continue;
            }
            now = task.at;
            task.body.run();
        }
        now = Math.max(now, t);
    }

    /** Runs the tasks that are due now. */
    public void runPending() {
        runUntil(now);
    }
}
