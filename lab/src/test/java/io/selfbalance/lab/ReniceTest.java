package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the lab gives a started JVM the normal priority: every thread, not only the main one. */
class ReniceTest {

    @Test
    void readsTheNiceValueAfterTheLastParenthesisOfAStatLine() {
        // /proc/PID/task/TID/stat of a JVM compiler thread (its name holds a space) at nice 5, and of a thread at -10
        String c1 = "4242 (C1 CompilerThre) S 4100 4100 4100 0 -1 1077936192 1513 0 0 0 87 12 0 0 25 5 21 0 1510 "
                + "3146891264 10770 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0";
        String control = "4250 (selfbalance-con) S 4100 4100 4100 0 -1 1077936192 9 0 0 0 170 3 0 0 10 -10 21 0 1600 "
                + "3146891264 10770 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0";
        assertEquals(5, Cluster.niceOf(c1));
        assertEquals(-10, Cluster.niceOf(control));
        assertEquals(3, Cluster.niceOf("1 (a) b) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 3 1 0"), "the name's own ')' does not count");
        assertNull(Cluster.niceOf("no stat line"));
        assertNull(Cluster.niceOf("1 (x) S 1 2 3"));
    }

    @Test
    void everyThreadAtTheStartingNiceGetsNiceZeroAndAThreadAtItsOwnValueKeepsIt() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "lowering a nice value needs root, as the lab runs");
        assumeTrue(new File("/usr/bin/python3").canExecute(), "python3 starts the multi-threaded process");
        // a process started at the lab's starting nice with three more threads; one of them sets its own value
        // (as the module's control loop does with selfbalance.control-nice)
        String script = "import os, threading, time\n"
                + "def own(): os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 7); time.sleep(60)\n"
                + "for f in (own, lambda: time.sleep(60), lambda: time.sleep(60)): threading.Thread(target=f, daemon=True).start()\n"
                + "time.sleep(60)\n";
        Process p = new ProcessBuilder("nice", "-n", Integer.toString(Cluster.STARTING_NICE), "python3", "-c", script)
                .redirectErrorStream(true).start();
        try {
            Lab.waitFor(() -> Cluster.threadNice(p.pid()).containsValue(7) && Cluster.threadNice(p.pid()).size() == 4, 10_000, 20);
            Map<Long, Integer> before = new TreeMap<>(Cluster.threadNice(p.pid()));
            assertEquals(4, before.size(), "threads before: " + before);
            assertEquals(3, before.values().stream().filter(v -> v == Cluster.STARTING_NICE).count(), "before: " + before);

            Cluster.renice(p.pid());

            Map<Long, Integer> after = new TreeMap<>(Cluster.threadNice(p.pid()));
            assertEquals(before.keySet(), after.keySet());
            for (Map.Entry<Long, Integer> e : after.entrySet()) {
                assertEquals(before.get(e.getKey()) == 7 ? 7 : 0, e.getValue(), "thread " + e.getKey() + " of " + after);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
