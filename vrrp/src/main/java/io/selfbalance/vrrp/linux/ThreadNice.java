package io.selfbalance.vrrp.linux;

import io.selfbalance.vrrp.VrrpTransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The nice value of the calling thread. Linux schedules threads, and setpriority(2) with {@code PRIO_PROCESS} and a
 * thread id sets that thread's nice value only: the threads that keep VRRP's timers (the control loop, the raw
 * socket reader) can run ahead of a loaded server's request and GC threads, so that a busy node still sends and
 * hears its advertisements on time (keepalived's {@code vrrp_priority} does the same for its VRRP process).
 * Lowering a nice value needs {@code CAP_SYS_NICE} (root has it).
 */
public final class ThreadNice {
    /** The range of nice values Linux accepts. */
    public static final int MIN = -20;
    public static final int MAX = 19;

    private ThreadNice() {}

    /**
     * Sets the calling thread's nice value; throws {@link VrrpTransportException} naming the call, the thread id and
     * the value (EACCES/EPERM: no {@code CAP_SYS_NICE} for a lower value).
     */
    public static void setForCurrentThread(int nice) {
        if (nice < MIN || nice > MAX) {
            throw new IllegalArgumentException("nice: " + nice + " is not allowed; use " + MIN + ".." + MAX);
        }
        int tid = currentThreadId();
        Libc.check(Libc.scheduling().setpriority(LibcScheduling.PRIO_PROCESS, tid, nice),
                "setpriority(PRIO_PROCESS, thread " + tid + ", " + nice + ")");
    }

    /** The calling thread's nice value. */
    public static int ofCurrentThread() {
        int tid = currentThreadId();
        // from the kernel's record (getpriority(2) may return -1 as a value, an error showing only in errno)
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]); // field 19 of stat: nice
        } catch (IOException | RuntimeException e) {
            throw new VrrpTransportException("cannot read the nice value of thread " + tid + ": " + e.getMessage(), e);
        }
    }

    /** The kernel's id of the calling thread ({@code /proc/thread-self} links to {@code <pid>/task/<tid>}). */
    public static int currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Integer.parseInt(link.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            throw new VrrpTransportException("cannot read /proc/thread-self (the calling thread's id): " + e.getMessage(), e);
        }
    }
}
