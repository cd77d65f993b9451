package io.selfbalance.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.vrrp.VrrpTransportException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Against the running kernel: setpriority(2) on a thread id changes that thread only. */
class ThreadNiceTest {

    @Test
    void aThreadsNiceValueIsItsOwn() throws Exception {
        int before = ThreadNice.ofCurrentThread();
        AtomicReference<Object> inThread = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                int target = Math.min(ThreadNice.MAX, ThreadNice.ofCurrentThread() + 3); // raising needs no privilege
                ThreadNice.setForCurrentThread(target);
                inThread.set(new int[] {target, ThreadNice.ofCurrentThread(), ThreadNice.currentThreadId()});
            } catch (RuntimeException e) {
                inThread.set(e);
            }
        });
        t.start();
        t.join(10_000);
        assertTrue(inThread.get() instanceof int[], String.valueOf(inThread.get()));
        int[] r = (int[]) inThread.get();
        assertEquals(r[0], r[1], "the thread reads back the value it set");
        assertEquals(before, ThreadNice.ofCurrentThread(), "the other threads keep theirs");
        assertNotEquals(ThreadNice.currentThreadId(), r[2], "thread ids, not the process id");
    }

    @Test
    void aLowerValueWithoutTheRightNamesTheCallOrSucceedsAsRoot() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ThreadNice.setForCurrentThread(-5);
                result.set(ThreadNice.ofCurrentThread());
            } catch (VrrpTransportException e) {
                result.set(e);
            }
        });
        t.start();
        t.join(10_000);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertEquals(-5, result.get(), "root has CAP_SYS_NICE");
        } else {
            VrrpTransportException e = (VrrpTransportException) result.get();
            assertTrue(e.getMessage().startsWith("setpriority(PRIO_PROCESS, thread ") && e.getMessage().contains(", -5) failed: errno"), e.getMessage());
        }
    }

    @Test
    void valuesOutsideLinuxsRangeAreRefusedNamingTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadNice.setForCurrentThread(20));
        assertEquals("nice: 20 is not allowed; use -20..19", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.setForCurrentThread(-21));
    }
}
