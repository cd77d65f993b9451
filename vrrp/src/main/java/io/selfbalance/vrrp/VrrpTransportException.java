package io.selfbalance.vrrp;

/** A transport operation failed; the message names the call, its arguments and the OS error. */
public class VrrpTransportException extends RuntimeException {
    private final int errno;

    public VrrpTransportException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public VrrpTransportException(String message, Throwable cause) {
        super(message, cause);
        this.errno = 0;
    }

    /** The OS errno, or 0 when the failure was not a system call. */
    public int errno() {
        return errno;
    }
}
