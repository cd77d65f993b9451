package io.selfbalance.ipvs.netlink;

/** A libc call failed: names the call, its argument and the errno it set. */
public final class NativeCallException extends RuntimeException {
    private final String call;
    private final String argument;
    private final int errno;

    public NativeCallException(String call, String argument, int errno) {
        super(call + "(" + argument + ") failed: " + Errno.describe(errno));
        this.call = call;
        this.argument = argument;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public String argument() {
        return argument;
    }

    public int errno() {
        return errno;
    }
}
