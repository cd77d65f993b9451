package io.selfbalance.ipvs.netlink;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads libc once and turns a failed call's errno into a {@link NativeCallException}. */
public final class Native {

    private static volatile SocketCalls sockets;

    private Native() {}

    /** The socket calls of libc, loaded on first use. */
    public static SocketCalls sockets() {
        SocketCalls s = sockets;
        if (s == null) {
            synchronized (Native.class) {
                s = sockets;
                if (s == null) {
                    s = LibraryLoader.create(SocketCalls.class).failImmediately().load("c");
                    sockets = s;
                }
            }
        }
        return s;
    }

    /** errno of the last call made by this thread through {@link #sockets()}. */
    public static int lastErrno() {
        return LastError.getLastError(Runtime.getRuntime(sockets()));
    }

    /**
     * Returns {@code result} when it is not negative; otherwise throws with the call, its argument and
     * errno (read immediately, before any other native call on this thread).
     */
    public static long check(long result, String call, String argument) {
        if (result < 0) {
            int errno = lastErrno();
            throw new NativeCallException(call, argument, errno);
        }
        return result;
    }
}
