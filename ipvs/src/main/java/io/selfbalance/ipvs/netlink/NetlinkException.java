package io.selfbalance.ipvs.netlink;

/** The kernel answered a netlink request with an error: carries the operation and the errno. */
public class NetlinkException extends RuntimeException {
    private final String operation;
    private final int errno;
    private final String kernelMessage;

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(operation + " failed: " + Errno.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " - kernel says: " + kernelMessage));
        this.operation = operation;
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    /** The kernel's extended-ack text, or null. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
