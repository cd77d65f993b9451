package io.selfbalance.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resource figures of processes from {@code /proc} (summed over the given pids; missing pids count 0). */
final class ProcStat {

    private ProcStat() {}

    /** USER_HZ: the unit of utime/stime in /proc/PID/stat (100 on Linux, user-mode-linux included). */
    static long ticksPerSecond() {
        return 100;
    }

    /** utime + stime of every pid, in clock ticks. */
    static long cpuTicks(long[] pids) {
        long sum = 0;
        for (long p : pids) {
            String stat = read(p, "stat");
            if (stat == null) {
                continue;
            }
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return sum;
    }

    /**
     * The threads the module starts (their names, as the kernel keeps them: the first 15 characters of the Java
     * thread name): {@code selfbalance-*} (control loop, probes, health checks, notify hooks) and {@code vrrp-rx-*}
     * (raw socket readers). Anything else in the JVM is Jetty's or the JVM's.
     */
    static boolean moduleThread(String comm) {
        return comm.startsWith("selfbalance-") || comm.startsWith("vrrp-rx-");
    }

    /**
     * The module's threads of a process: their names (sorted), utime + stime in clock ticks, and the ticks per
     * thread name (threads of the same name summed), so a footprint can say where the module's CPU went.
     */
    record ModuleTasks(java.util.List<String> names, long ticks, java.util.Map<String, Long> ticksByName,
                       java.util.Map<String, Integer> niceByName) {
        long threads() {
            return names.size();
        }
    }

    /** The module's threads of {@code pid} (none when it is gone). */
    static ModuleTasks moduleTasks(long pid) {
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        java.util.Map<String, Integer> nice = new java.util.TreeMap<>();
        long ticks = 0;
        if (pid <= 0) {
            return new ModuleTasks(names, 0, byName, nice);
        }
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (!moduleThread(comm)) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    ticks += t;
                    byName.merge(comm, t, Long::sum);
                    nice.put(comm, Integer.parseInt(f[16])); // field 19 of stat: the thread's nice value
                    names.add(comm);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return new ModuleTasks(java.util.List.of(), 0, java.util.Map.of(), java.util.Map.of());
        }
        java.util.Collections.sort(names);
        return new ModuleTasks(names, ticks, byName, nice);
    }

    static long rssKiB(long[] pids) {
        return statusSum(pids, "VmRSS:");
    }

    static long threads(long[] pids) {
        return statusSum(pids, "Threads:");
    }

    private static long statusSum(long[] pids, String key) {
        long sum = 0;
        for (long p : pids) {
            String status = read(p, "status");
            if (status == null) {
                continue;
            }
            for (String line : status.split("\n")) {
                if (line.startsWith(key)) {
                    sum += Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        }
        return sum;
    }

    /**
     * The JVM's used heap after a full GC (jcmd GC.heap_info is one more JVM start inside user-mode-linux,
     * so the bench reads it once per node): the "used" figures of the heap lines, in KiB, or "-".
     */
    static String heapUsedKiB(long pid) {
        if (pid <= 0) {
            return "-";
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        io.selfbalance.lab.BenchLab.Shell r = io.selfbalance.lab.BenchLab.sh(120_000,
                jcmd + " " + pid + " GC.run >/dev/null 2>&1; " + jcmd + " " + pid + " GC.heap_info 2>&1");
        long used = 0;
        boolean any = false;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(r.text());
        while (m.find()) {
            used += Long.parseLong(m.group(2));
            any = true;
        }
        return any ? Long.toString(used) : "-";
    }

    private static String read(long pid, String file) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            return null;
        }
    }
}
