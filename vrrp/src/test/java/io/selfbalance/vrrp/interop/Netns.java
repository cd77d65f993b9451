package io.selfbalance.vrrp.interop;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * Moves the calling thread into a named network namespace ({@code ip netns add NAME}), so one JVM
 * can host routers in several namespaces: sockets a thread creates belong to its namespace.
 */
final class Netns {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    public interface Calls {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final Calls LIBC = LibraryLoader.create(Calls.class).failImmediately().load("c");

    private Netns() {}

    static void enter(String name) {
        String path = "/run/netns/" + name;
        int fd = LIBC.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("open(" + path + ") failed: errno " + LastError.getLastError(Runtime.getRuntime(LIBC)));
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) < 0) {
                throw new IllegalStateException("setns(" + path + ", CLONE_NEWNET) failed: errno "
                        + LastError.getLastError(Runtime.getRuntime(LIBC)));
            }
        } finally {
            LIBC.close(fd);
        }
    }
}
