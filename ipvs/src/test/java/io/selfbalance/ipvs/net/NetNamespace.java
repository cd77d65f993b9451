package io.selfbalance.ipvs.net;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * Test helper: runs code on a fresh thread that has joined a named network namespace
 * ({@code /run/netns/NAME}, made by {@code ip netns add}), so one JVM can act as several nodes.
 * Sockets and {@code /proc/sys/net} files opened on that thread belong to that namespace.
 */
public final class NetNamespace {
    public interface Calls {
        @SaveError int open(String path, int flags);

        @SaveError int setns(int fd, int nstype);

        @SaveError int close(int fd);
    }

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Calls CALLS = LibraryLoader.create(Calls.class).load("c");

    private NetNamespace() {}

    public static <T> T call(String name, Callable<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            String path = "/run/netns/" + name;
            int fd = CALLS.open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                failure.set(new IllegalStateException("open(" + path + ") failed"));
                return;
            }
            try {
                if (CALLS.setns(fd, CLONE_NEWNET) != 0) {
                    failure.set(new IllegalStateException("setns(" + path + ", CLONE_NEWNET) failed"));
                    return;
                }
            } finally {
                CALLS.close(fd);
            }
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "netns-" + name);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("in network namespace " + name + ": " + failure.get(), failure.get());
        }
        return result.get();
    }
}
