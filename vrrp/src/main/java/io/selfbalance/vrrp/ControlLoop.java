package io.selfbalance.vrrp;

/**
 * The single thread that owns a router's state, with its clock. Production uses
 * {@link NettyControlLoop} over a Netty {@code EventLoop}; tests use {@link VirtualTimeControlLoop}.
 */
public interface ControlLoop {

    /** A scheduled task that can be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Monotonic time in nanoseconds on this loop's clock. */
    long nanoTime();

    /** Runs {@code task} on the loop thread after {@code delayNanos}. */
    Timer schedule(Runnable task, long delayNanos);

    /** Runs {@code task} on the loop thread as soon as possible (from any thread). */
    void execute(Runnable task);

    /** Whether the caller is the loop thread. */
    boolean inLoop();
}
