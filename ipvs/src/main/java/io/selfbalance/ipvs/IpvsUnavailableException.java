package io.selfbalance.ipvs;

/** The running kernel has no IPVS (module not loaded or not built). */
public final class IpvsUnavailableException extends RuntimeException {
    public static final String MESSAGE = "IPVS is not available in this kernel: load the ip_vs module";

    public IpvsUnavailableException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
