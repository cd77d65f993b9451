package io.selfbalance.vrrp.linux;

import jnr.ffi.annotations.SaveError;

/** libc lookups of network interfaces and error texts. */
public interface LibcInterfaces {
    /** The interface index of {@code name}, or 0 with errno set. */
    @SaveError
    int if_nametoindex(String name);

    String strerror(int errno);
}
