package io.selfbalance.vrrp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A {@link ControlLoop} on a Netty event loop: its thread owns the router, its scheduler runs the timers. */
public final class NettyControlLoop implements ControlLoop {
    private final EventLoop loop;

    public NettyControlLoop(EventLoop loop) {
        if (loop == null) {
            throw new IllegalArgumentException("loop = null is invalid; allowed: a Netty EventLoop");
        }
        this.loop = loop;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> f = loop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }
}
