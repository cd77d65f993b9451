package io.selfbalance.ipvs.netlink;

/** Bytes received from the kernel (or given to a decoder) are not a well-formed netlink message. */
public final class NetlinkFormatException extends RuntimeException {
    public NetlinkFormatException(String message) {
        super(message);
    }

    public NetlinkFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
