package io.selfbalance.vrrp.linux;

import jnr.ffi.annotations.SaveError;

/** libc's setpriority(2); on Linux {@code who} may be a thread id (PRIO_PROCESS then means that thread). */
public interface LibcScheduling {
    int PRIO_PROCESS = 0;

    @SaveError
    int setpriority(int which, int who, int prio);
}
