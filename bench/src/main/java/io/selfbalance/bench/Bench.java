package io.selfbalance.bench;

import io.selfbalance.lab.BenchLab;
import io.selfbalance.lab.LabSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The benchmark against keepalived, in the lab (issue 8). Three steps, so the file-heavy preparation
 * runs on the host and only the measurements run in the kernel with IPVS:
 *
 * <pre>
 * Bench prepare --dist DIR --work DIR [--adverts 1000,100] [--nodes 3] [--interval-ms 50] [--node-ini k=v,..] (host: jetty bases)
 * Bench measure --work DIR --results FILE [--systems keepalived,selfbalance] [--faults cut,kill,stop,health]
 *               [--adverts 1000,100] [--trials 20] [--health-trials 3] [--footprint-s 30] [--robust-s 600]
 *               [--nodes 3] [--interval-ms 50] [--block-minutes M] [--deadline-epoch-s T]    (as root, with IPVS)
 * Bench report  --results FILE --out DIR [--meta FILE] [--notes FILE]                                        (host: report.md + PNGs)
 * </pre>
 *
 * {@code measure} appends one tab-separated record per measurement to the results file as it goes
 * (so a run cut short still leaves what it measured): {@code failover}, {@code health}, {@code footprint},
 * {@code robust}, {@code note}. Every figure in the report is read from those records.
 */
public final class Bench {

    static final List<String> SYSTEMS = List.of("keepalived", "selfbalance");
    static final List<String> FAULTS = List.of("cut", "kill", "stop", "health");

    private final Map<String, String> o;
    private final PrintStream out;
    private final PrintStream results;

    private Bench(Map<String, String> o, PrintStream out, PrintStream results) {
        this.o = o;
        this.out = out;
        this.results = results;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length == 0) {
            System.err.println(usage());
            System.exit(2);
        }
        try {
            Map<String, String> o = options(args);
            switch (args[0]) {
                case "prepare" -> prepare(o, out);
                case "check" -> check(o);
                case "measure" -> measure(o, out);
                case "report" -> Report.write(Path.of(required(o, "--results")), Path.of(required(o, "--out")),
                        o.containsKey("--meta") ? Path.of(o.get("--meta")) : null,
                        o.containsKey("--notes") ? Path.of(o.get("--notes")) : null, out);
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'; allowed: check, prepare, measure, report");
            }
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    static String usage() {
        return "usage: Bench prepare --dist DIR --work DIR [--adverts 1000,100] [--nodes 3] [--interval-ms 50] [--node-ini k=v,..]\n"
                + "       Bench measure --work DIR --results FILE [--systems keepalived,selfbalance] [--faults cut,kill,stop,health]\n"
                + "                     [--adverts 1000,100] [--trials 20] [--health-trials 3] [--footprint-s 30] [--robust-s 600]\n"
                + "                     [--nodes 3] [--interval-ms 50] [--block-minutes M] [--deadline-epoch-s T]\n"
                + "       Bench report --results FILE --out DIR [--meta FILE] [--notes FILE]\n"
                + "       Bench check [the measure options]    (validates them all, before hours of measuring start)";
    }

    static Map<String, String> options(String[] args) {
        List<String> valued = List.of("--node-ini", "--dist", "--work", "--results", "--out", "--meta", "--notes", "--systems", "--faults", "--adverts",
                "--trials", "--health-trials", "--footprint-s", "--robust-s", "--nodes", "--interval-ms", "--block-minutes", "--deadline-epoch-s");
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!valued.contains(args[i])) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            o.put(args[i], args[++i]);
        }
        return o;
    }

    static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }

    static long number(Map<String, String> o, String key, long dflt, long min, long max) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // message below
        }
        throw new IllegalArgumentException(key + " '" + v + "' is not allowed; allowed: an integer " + min + ".." + max);
    }

    static List<String> names(Map<String, String> o, String key, List<String> allowed, List<String> dflt) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        List<String> r = new ArrayList<>();
        for (String x : v.split(",")) {
            if (!allowed.contains(x)) {
                throw new IllegalArgumentException(key + " '" + x + "' is not allowed; allowed: " + String.join(", ", allowed) + " (comma-separated)");
            }
            r.add(x);
        }
        return r;
    }

    static List<Long> adverts(Map<String, String> o) {
        List<Long> r = new ArrayList<>();
        for (String x : o.getOrDefault("--adverts", "1000,100").split(",")) {
            try {
                long ms = Long.parseLong(x.trim());
                if (ms >= 10 && ms <= 40_950 && ms % 10 == 0) {
                    r.add(ms);
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // message below
            }
            throw new IllegalArgumentException("--adverts '" + x + "' is not allowed; allowed: milliseconds 10..40950 in steps of 10 (VRRPv3 centiseconds)");
        }
        return r;
    }

    static Path selfbalanceWork(Path work, long advertMs) {
        return work.resolve("sb-" + advertMs);
    }

    /**
     * Reads every option {@code measure} reads, so a bad value fails on the host at once (naming the key, the value
     * and what is allowed) instead of inside the kernel after the jetty bases were built and the kernel booted.
     */
    static void check(Map<String, String> o) {
        names(o, "--systems", SYSTEMS, SYSTEMS);
        names(o, "--faults", FAULTS, FAULTS);
        adverts(o);
        number(o, "--nodes", 3, 2, 3);
        number(o, "--interval-ms", 50, 1, 10_000);
        number(o, "--trials", 20, 0, 10_000);
        number(o, "--health-trials", 3, 0, 1000);
        number(o, "--block-minutes", 0, 0, 100_000);
        number(o, "--robust-s", 0, 0, 86_400);
        number(o, "--footprint-s", 0, 0, 3600);
        number(o, "--deadline-epoch-s", 0, 0, Long.MAX_VALUE / 1000);
    }

    // ---- prepare (host) ----------------------------------------------------------------------------

    static void prepare(Map<String, String> o, PrintStream out) {
        Path dist = Path.of(required(o, "--dist")).toAbsolutePath();
        Path work = Path.of(required(o, "--work")).toAbsolutePath();
        int nodes = (int) number(o, "--nodes", 3, 2, 3);
        long interval = number(o, "--interval-ms", 50, 1, 10_000);
        List<String> extraIni = nodeIni(o);
        for (long advert : adverts(o)) {
            LabSettings s = BenchLab.settings(nodes, advert, interval);
            BenchLab.prepareJettyBases(s, dist, selfbalanceWork(work, advert), out, extraIni);
        }
    }

    /** {@code --node-ini k=v,k=v}: more {@code selfbalance.*} keys for every Selfbalance node (none by default). */
    static List<String> nodeIni(Map<String, String> o) {
        String v = o.get("--node-ini");
        if (v == null || v.isBlank()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String kv : v.split(",")) {
            if (!kv.matches("selfbalance\\.[a-z0-9.-]+=\\S*")) {
                throw new IllegalArgumentException("--node-ini '" + kv + "' is not allowed; allowed: selfbalance.<key>=<value> without spaces,"
                        + " comma-separated");
            }
            lines.add(kv);
        }
        return lines;
    }

    // ---- measure (inside the kernel with IPVS, as root) ----------------------------------------------

    static void measure(Map<String, String> o, PrintStream out) {
        check(o);
        Path work = Path.of(required(o, "--work")).toAbsolutePath();
        Path file = Path.of(required(o, "--results")).toAbsolutePath();
        List<String> systems = names(o, "--systems", SYSTEMS, SYSTEMS);
        List<String> faults = names(o, "--faults", FAULTS, FAULTS);
        List<Long> adverts = adverts(o);
        try (PrintStream results = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true, StandardCharsets.UTF_8)) {
            Bench b = new Bench(o, out, results);
            b.record("note", "started", Long.toString(System.currentTimeMillis()), "kernel", uname());
            int blocks = adverts.size() * systems.size();
            for (long advert : adverts) {
                for (String system : systems) {
                    b.blocksLeft = blocks--;
                    b.runSystem(system, advert, work, faults, advert == adverts.get(adverts.size() - 1));
                }
            }
            b.record("note", "finished", Long.toString(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String uname() {
        return BenchLab.sh(10_000, "uname -r; nproc").text().trim().replace('\n', ' ');
    }

    /** The system whose timers the robustness run tests (issue 8.6: transitions that no fault caused). */
    static final String ROBUST_SYSTEM = "selfbalance";

    /** Whether {@link #ROBUST_SYSTEM}'s robustness run is still ahead: in this block or a later one. */
    boolean robustSystemAhead(String system, boolean last) {
        List<String> systems = names(o, "--systems", SYSTEMS, SYSTEMS);
        return systems.contains(ROBUST_SYSTEM) && (!last || systems.indexOf(system) <= systems.indexOf(ROBUST_SYSTEM));
    }

    /** Blocks (system x advert interval) not finished yet, this one included: they share what is left until the deadline. */
    int blocksLeft = 1;

    /** Epoch ms after which nothing new starts (--deadline-epoch-s), or Long.MAX_VALUE. */
    long deadlineMs() {
        long d = number(o, "--deadline-epoch-s", 0, 0, Long.MAX_VALUE / 1000);
        return d == 0 ? Long.MAX_VALUE : d * 1000;
    }

    void record(String kind, String... fields) {
        StringBuilder sb = new StringBuilder(kind);
        for (String f : fields) {
            sb.append('\t').append(f.replace('\t', ' ').replace('\n', ' '));
        }
        results.println(sb);
        out.println("RESULT " + sb.toString().replace('\t', ' '));
    }

    /** One system's side of the comparison at one advertisement interval, on a fresh topology. */
    void runSystem(String system, long advertMs, Path work, List<String> faults, boolean last) {
        int nodes = (int) number(o, "--nodes", 3, 2, 3);
        long interval = number(o, "--interval-ms", 50, 1, 10_000);
        int trials = (int) number(o, "--trials", 20, 0, 10_000);
        BenchLab lab = system.equals("selfbalance")
                ? BenchLab.open(selfbalanceWork(work, advertMs))
                : BenchLab.withoutJetty(BenchLab.settings(nodes, advertMs, interval), work.resolve("ka-" + advertMs));
        Target t = system.equals("selfbalance") ? new JettyTarget(lab) : new KeepalivedTarget(lab);
        LabSettings s = lab.settings();
        out.println("== " + system + " at " + advertMs + " ms adverts: " + s.nodes() + " nodes, client every "
                + s.clientIntervalMs() + " ms, " + trials + " trials of " + faults);
        record("note", "settings", system, Long.toString(advertMs), "nodes=" + s.nodes() + " priorities=" + s.priorities()
                + " weights=" + s.weights() + " advertMs=" + s.advertMs() + " probeIntervalMs=" + s.probeIntervalMs()
                + " probeTimeoutMs=" + s.probeTimeoutMs() + " fall=" + s.probeFall() + " rise=" + s.probeRise()
                + " vipLifetimeMs=" + s.vipLifetimeMs() + " drainMs=" + s.drainMs() + " clientIntervalMs=" + s.clientIntervalMs()
                + " clientTimeoutMs=" + s.clientTimeoutMs() + " trials=" + trials);
        long t0 = System.currentTimeMillis();
        awaitTopologyGone();
        lab.createTopology();
        try {
            t.startAll();
            long up = waitFor(() -> stable(lab), t.startTimeoutMs(), 250);
            if (up < 0) {
                record("note", "error", system, Long.toString(advertMs), "never stable after start: " + describe(lab) + " " + t.diagnostics());
                return;
            }
            record("note", "stable", system, Long.toString(advertMs), Long.toString(System.currentTimeMillis() - t0));
            lab.startClient(lab.work().resolve("client.log"));
            // the client is a JVM in namespace c: on a loaded user-mode-linux it needs a while before its first request
            long serving = waitFor(() -> clientHealthy(lab), 180_000, 250);
            record("note", "client", system, Long.toString(advertMs), serving < 0 ? "no clean one-second tick within 180 s"
                    : "first clean tick after " + serving + " ms");
            // round robin over the faults, so a run cut short by its time budget still has every fault
            long budgetMs = number(o, "--block-minutes", 0, 0, 100_000) * 60_000;
            long robustS = number(o, "--robust-s", 0, 0, 86_400);
            long footS = number(o, "--footprint-s", 0, 0, 3600);
            long trialsFrom = System.currentTimeMillis();
            if (deadlineMs() != Long.MAX_VALUE) {
                // this block's share of the time left: the later blocks' start-ups (a Jetty cluster takes minutes in a
                // loaded user-mode-linux), the robustness and footprint windows of the last interval's blocks, teardowns
                // the robustness run is Selfbalance's only (keepalived is the reference for failover, health and
                // footprint); one of the blocks still to come is Selfbalance's at the last interval
                int lastBlocksLeft = last ? blocksLeft : Math.min(blocksLeft, 2);
                long robustReserve = robustSystemAhead(system, last) ? robustS : 0;
                long reserve = (blocksLeft - 1) * 300_000L + lastBlocksLeft * footS * 1000 + robustReserve * 1000 + 60_000;
                long share = (deadlineMs() - trialsFrom - reserve) / blocksLeft;
                budgetMs = budgetMs == 0 ? Math.max(60_000, share) : Math.min(budgetMs, Math.max(60_000, share));
                record("note", "budget", system, Long.toString(advertMs), "failover trials get " + budgetMs / 1000
                        + " s (deadline share of " + blocksLeft + " blocks)");
            }
            List<String> left = new ArrayList<>(faults);
            for (int i = 1; i <= trials && !left.isEmpty(); i++) {
                for (String fault : new ArrayList<>(left)) {
                    if (budgetMs > 0 && System.currentTimeMillis() - trialsFrom > budgetMs) {
                        record("note", "budget", system, Long.toString(advertMs), "trials stopped after " + (i - 1)
                                + " rounds: --block-minutes " + budgetMs / 60_000 + " used up");
                        left.clear();
                        break;
                    }
                    if (!failoverTrial(lab, t, system, advertMs, fault, i)) {
                        left.remove(fault);
                    }
                }
            }
            int healthTrials = (int) number(o, "--health-trials", 3, 0, 1000);
            for (int i = 1; i <= healthTrials && System.currentTimeMillis() < deadlineMs(); i++) {
                healthTrial(lab, t, system, advertMs, i);
            }
            if (deadlineMs() != Long.MAX_VALUE) {
                robustS = Math.max(0, Math.min(robustS, (deadlineMs() - System.currentTimeMillis() - footS * 1000 - 120_000) / 1000));
            }
            if (last && robustS > 0 && system.equals(ROBUST_SYSTEM)) {
                robustness(lab, system, advertMs, robustS);
            }
            lab.stopClient();
            if (last && footS > 0 && System.currentTimeMillis() + footS * 1000 < deadlineMs()) {
                footprint(lab, t, system, advertMs, footS);
            }
        } catch (RuntimeException e) {
            record("note", "error", system, Long.toString(advertMs), e.toString());
            e.printStackTrace(out);
        } finally {
            lab.stopClient();
            t.stopAll();
            lab.close();
            lab.deleteTopology();
            awaitTopologyGone();
        }
    }

    /**
     * The kernel tears a deleted namespace's veth pairs down asynchronously: the next block's topology would meet
     * the old bridge ports ("RTNETLINK answers: File exists"). Waits (bounded) until no lab link is left.
     */
    static void awaitTopologyGone() {
        BenchLab.sh(30_000, "for i in $(seq 1 100); do ip -o link show | grep -q -e ' sbv' -e ' sblab0' || exit 0; sleep 0.2; done; exit 1");
    }

    /**
     * Exactly one node holds the VIP on eth0, it is the node with the highest priority (both systems preempt: a
     * restarted former master that has not taken over yet would do so in the middle of the next trial, as in the
     * 2026-11-26 run's cut trial 6), and its IPVS table has every node with weight > 0.
     */
    static boolean stable(BenchLab lab) {
        List<String> m = lab.masters();
        if (m.size() != 1 || !m.get(0).equals(preferredMaster(lab.settings()))) {
            return false;
        }
        Map<String, Integer> w = lab.ipvsWeights(m.get(0));
        if (w == null) {
            return false;
        }
        for (String n : lab.settings().names()) {
            Integer x = w.get(n);
            if (x == null || x <= 0) {
                return false;
            }
        }
        return true;
    }

    /** The node with the highest VRRP priority (every node runs between trials). */
    static String preferredMaster(io.selfbalance.lab.LabSettings s) {
        return s.highestPriority(n -> true);
    }

    /** The client's last one-second tick had successes and no failures. */
    static boolean clientHealthy(BenchLab lab) {
        Map<String, String> t = lab.lastTick();
        return t != null && num(t, "ok") > 0 && num(t, "fail") == 0;
    }

    static String describe(BenchLab lab) {
        StringBuilder sb = new StringBuilder("masters=").append(lab.masters());
        for (String n : lab.settings().names()) {
            sb.append(' ').append(n).append(".ipvs=").append(lab.ipvsWeights(n));
        }
        return sb.toString();
    }

    /** One failover trial; false when the lab did not come back to a stable state (the rest of the fault is skipped). */
    boolean failoverTrial(BenchLab lab, Target t, String system, long advertMs, String fault, int trial) {
        if (waitFor(() -> stable(lab), t.restoreTimeoutMs(), 200) < 0) {
            record("note", "error", system, Long.toString(advertMs), fault + " trial " + trial + ": not stable before the fault: " + describe(lab));
            return false;
        }
        String m = lab.masters().get(0);
        sleep(1500);
        // a baseline: one second in which the client had successes and no failures (bounded: UML under load)
        long clean = waitFor(() -> clientHealthy(lab), 30_000, 100);
        if (clean < 0) {
            record("note", "unclean", system, Long.toString(advertMs), fault + " trial " + trial
                    + ": no failure-free client second within 30 s before the fault; last tick " + lab.lastTick());
        }
        String window = system + "-" + advertMs + "-" + fault + "-" + trial;
        long faultUs = BenchLab.nowUs();
        lab.mark(window, faultUs);
        long t0 = System.currentTimeMillis();
        t.fault(fault, m);
        String[] next = new String[1];
        long takeover = waitFor(() -> {
            for (String n : lab.settings().names()) {
                if (!n.equals(m) && lab.vipOnInterface(n)) {
                    next[0] = n;
                    return true;
                }
            }
            return false;
        }, 3 * advertMs + 20_000, 10);
        long takeoverMs = takeover < 0 ? -1 : System.currentTimeMillis() - t0;
        // let the client's requests after the takeover land (and time out where they went to the old master), then
        // keep the window open until a failure-free second (the new master's probes take the dead node's weight
        // away only after interval x fall), bounded
        sleep(Math.max(2500, 3 * advertMs));
        waitFor(() -> clientHealthy(lab), 4 * lab.settings().probeIntervalMs() * lab.settings().probeFall() + 10_000, 100);
        sleep(lab.settings().clientTimeoutMs());
        Map<String, String> ev = lab.end(window);
        long sent = num(ev, "sent");
        double seconds = (num(ev, "end") - num(ev, "fault")) / 1e6;
        record("failover", system, Long.toString(advertMs), fault, Integer.toString(trial), ev.getOrDefault("outageMs", "-1"),
                ev.getOrDefault("firstSuccessMs", "-1"), ev.getOrDefault("failed", "-1"), Long.toString(sent),
                String.format(Locale.ROOT, "%.1f", seconds > 0 ? sent / seconds : 0), m, next[0] == null ? "-" : next[0],
                Long.toString(takeoverMs), ev.getOrDefault("backMs", "-1"));
        t.restore(fault, m);
        return true;
    }

    /** A backup's readiness DOWN: time until its weight in the master's IPVS table is 0. */
    void healthTrial(BenchLab lab, Target t, String system, long advertMs, int trial) {
        if (waitFor(() -> stable(lab), t.restoreTimeoutMs(), 200) < 0) {
            record("note", "error", system, Long.toString(advertMs), "health trial " + trial + ": not stable: " + describe(lab));
            return;
        }
        LabSettings s = lab.settings();
        String m = lab.masters().get(0);
        String backup = null;
        for (int i = s.nodes() - 1; i >= 0; i--) {
            if (!s.name(i).equals(m)) {
                backup = s.name(i);
                break;
            }
        }
        String b = backup;
        sleep(1000);
        long t0 = System.currentTimeMillis();
        t.setReady(b, false);
        long ms = waitFor(() -> {
            Map<String, Integer> w = lab.ipvsWeights(m);
            Integer x = w == null ? null : w.get(b);
            return x != null && x == 0;
        }, 30_000, 5);
        long bound = s.probeIntervalMs() * s.probeFall() + 50;
        record("health", system, Long.toString(advertMs), Integer.toString(trial), b, Long.toString(ms),
                Long.toString(bound), Long.toString(s.probeIntervalMs()), Integer.toString(s.probeFall()));
        t.setReady(b, true);
    }

    /** Counts VIP moves while nothing is injected (the client keeps its load on the nodes). */
    void robustness(BenchLab lab, String system, long advertMs, long seconds) {
        if (waitFor(() -> stable(lab), 120_000, 200) < 0) {
            record("note", "error", system, Long.toString(advertMs), "robustness: not stable at start: " + describe(lab));
            return;
        }
        String window = system + "-" + advertMs + "-robust";
        // GC pressure on the nodes: the demo webapp's /api/work hashes a SHA-256 chain (a new digest array per
        // round) for 20 ms, asked through the VIP every 100 ms from the bench's own address on the bridge
        java.util.concurrent.atomic.AtomicBoolean pressing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong workOk = new java.util.concurrent.atomic.AtomicLong();
        Thread pressure = new Thread(() -> {
            String url = "http://" + lab.settings().vip() + ":" + lab.settings().port() + "/api/work?ms=20";
            while (pressing.get()) {
                if (lab.httpStatus(url) == 200) {
                    workOk.incrementAndGet();
                }
                sleep(100);
            }
        }, "bench-gc-pressure");
        pressure.setDaemon(true);
        pressure.start();
        lab.mark(window, BenchLab.nowUs());
        List<String> before = lab.masters();
        int transitions = 0;
        long end = System.currentTimeMillis() + seconds * 1000;
        while (System.currentTimeMillis() < end) {
            sleep(20);
            List<String> now = lab.masters();
            if (!now.equals(before)) {
                transitions++;
                out.println("robustness: masters " + before + " -> " + now);
                before = now;
            }
        }
        pressing.set(false);
        Map<String, String> ev = lab.end(window);
        record("robust", system, Long.toString(advertMs), Long.toString(seconds), Integer.toString(transitions),
                ev.getOrDefault("sent", "-1"), ev.getOrDefault("failed", "-1"), Long.toString(workOk.get()));
    }

    /** RSS, threads and CPU of each node's control-plane processes, idle (no client), over {@code seconds}. */
    void footprint(BenchLab lab, Target t, String system, long advertMs, long seconds) {
        sleep(5000);
        Map<String, long[]> pids = new LinkedHashMap<>();
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        Map<String, ProcStat.ModuleTasks> module0 = new LinkedHashMap<>();
        for (String n : lab.settings().names()) {
            long[] p = t.pids(n);
            pids.put(n, p);
            cpu0.put(n, ProcStat.cpuTicks(p));
            module0.put(n, ProcStat.moduleTasks(p[0]));
        }
        long w0 = System.nanoTime();
        sleep(seconds * 1000);
        double wall = (System.nanoTime() - w0) / 1e9;
        for (String n : lab.settings().names()) {
            long[] p = pids.get(n);
            double pct = 100.0 * (ProcStat.cpuTicks(p) - cpu0.get(n)) / ProcStat.ticksPerSecond() / wall;
            // the module's own threads inside the Jetty JVM (keepalived: none, its processes are all of it)
            ProcStat.ModuleTasks module = ProcStat.moduleTasks(p[0]);
            double modulePct = 100.0 * (module.ticks() - module0.get(n).ticks()) / ProcStat.ticksPerSecond() / wall;
            record("footprint", system, Long.toString(advertMs), n, Long.toString(ProcStat.rssKiB(p)), Long.toString(ProcStat.threads(p)),
                    String.format(Locale.ROOT, "%.3f", pct), String.format(Locale.ROOT, "%.0f", wall), t.heapKiB(n),
                    system.equals("selfbalance") ? Long.toString(module.threads()) : "-",
                    system.equals("selfbalance") ? String.format(Locale.ROOT, "%.3f", modulePct) : "-");
            if (system.equals("selfbalance")) {
                record("note", "module-threads", system, Long.toString(advertMs), n + ": " + String.join(",", module.names())
                        + " (nice " + module.niceByName() + ")");
                // where the module's CPU went: clock ticks per thread name over the window
                StringBuilder cpu = new StringBuilder(n + ":");
                module.ticksByName().forEach((name, ticks) -> cpu.append(' ').append(name).append('=')
                        .append(ticks - module0.get(n).ticksByName().getOrDefault(name, 0L)));
                record("note", "module-cpu-ticks", system, Long.toString(advertMs), cpu.toString() + " (of "
                        + Math.round(wall * ProcStat.ticksPerSecond()) + " ticks)");
            }
        }
    }

    static long num(Map<String, String> m, String key) {
        try {
            return Long.parseLong(m.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long waitFor(BooleanSupplier c, long timeoutMs, long pollMs) {
        long t0 = System.currentTimeMillis();
        while (true) {
            if (c.getAsBoolean()) {
                return System.currentTimeMillis() - t0;
            }
            if (System.currentTimeMillis() - t0 > timeoutMs) {
                return -1;
            }
            sleep(pollMs);
        }
    }

    static void sleep(long ms) {
        KeepalivedNodes.sleep(ms);
    }

    // ---- the two systems ---------------------------------------------------------------------------

    /** What the trials do to one system. */
    interface Target {
        void startAll();

        long startTimeoutMs();

        long restoreTimeoutMs();

        /** Injects {@code fault} (cut, kill, stop, health) on the master {@code node}. */
        void fault(String fault, String node);

        /** Undoes it (link up, restart, readiness UP); the caller then waits for a stable lab. */
        void restore(String fault, String node);

        void setReady(String node, boolean ready);

        void stopAll();

        long[] pids(String node);

        String heapKiB(String node);

        String diagnostics();
    }

    static void cut(BenchLab lab, String node, boolean up) {
        BenchLab.Shell r = BenchLab.sh(10_000, "ip link set sbv" + node + (up ? " up" : " down"));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("cannot set the bridge port of " + node + (up ? " up" : " down") + ": " + r.text());
        }
    }

    /** Requests a restarted Selfbalance node serves on its own address before it turns ready (as in the lab). */
    static final int WARM_UP_REQUESTS = 60;

    /** Selfbalance: the lab's Jetty nodes (real jetty-home, the module, the demo webapp). */
    static final class JettyTarget implements Target {
        private final BenchLab lab;

        JettyTarget(BenchLab lab) {
            this.lab = lab;
        }

        @Override
        public void startAll() {
            lab.settings().names().forEach(lab::startJetty);
            // then normal priority for each once it serves, as keepalived runs at nice 0: the comparison must not
            // hand the keepalived side more of user-mode-linux's one CPU
            for (String n : lab.settings().names()) {
                lab.promoteWhenServing(n, startTimeoutMs());
            }
        }

        @Override
        public long startTimeoutMs() {
            return 600_000;
        }

        @Override
        public long restoreTimeoutMs() {
            return 300_000;
        }

        @Override
        public void fault(String fault, String node) {
            switch (fault) {
                case "cut" -> cut(lab, node, false);
                case "kill" -> lab.kill9Jetty(node);
                case "stop" -> lab.terminateJetty(node);
                case "health" -> lab.setReady(node, false);
                default -> throw new IllegalArgumentException(fault);
            }
        }

        @Override
        public void restore(String fault, String node) {
            switch (fault) {
                case "cut" -> cut(lab, node, true);
                case "kill", "stop" -> {
                    waitFor(() -> !lab.jettyRunning(node), 60_000, 100);
                    // warm before traffic, as the lab's restarts (and the README) do: a cold JVM's first requests
                    // inside user-mode-linux time out, which would be counted against the next trial's baseline
                    lab.startJettyWarm(node, WARM_UP_REQUESTS);
                }
                case "health" -> lab.setReady(node, true);
                default -> throw new IllegalArgumentException(fault);
            }
        }

        @Override
        public void setReady(String node, boolean ready) {
            lab.setReady(node, ready);
        }

        @Override
        public void stopAll() {
            lab.stopAllJetty(lab.settings().drainMs() + 10_000);
        }

        @Override
        public long[] pids(String node) {
            return new long[] {lab.jettyPid(node)};
        }

        @Override
        public String heapKiB(String node) {
            return ProcStat.heapUsedKiB(lab.jettyPid(node));
        }

        @Override
        public String diagnostics() {
            StringBuilder sb = new StringBuilder();
            for (String n : lab.settings().names()) {
                sb.append(" [").append(n).append(" log: ").append(lab.logTail(n, 5).replace('\n', '|')).append(']');
            }
            return sb.toString();
        }
    }

    /** keepalived 2.2.7 with light stand-in real servers on the same topology. */
    static final class KeepalivedTarget implements Target {
        private final BenchLab lab;
        private final KeepalivedNodes ka;

        KeepalivedTarget(BenchLab lab) {
            this.lab = lab;
            this.ka = new KeepalivedNodes(lab, lab.work());
        }

        @Override
        public void startAll() {
            ka.prepare();
            for (String n : lab.settings().names()) {
                ka.start(n);
            }
        }

        @Override
        public long startTimeoutMs() {
            return 120_000;
        }

        @Override
        public long restoreTimeoutMs() {
            return 60_000;
        }

        @Override
        public void fault(String fault, String node) {
            switch (fault) {
                case "cut" -> cut(lab, node, false);
                case "kill" -> ka.killAll(node);
                case "stop" -> ka.stopKeepalived(node);
                case "health" -> ka.setReady(node, false);
                default -> throw new IllegalArgumentException(fault);
            }
        }

        @Override
        public void restore(String fault, String node) {
            switch (fault) {
                case "cut" -> cut(lab, node, true);
                case "kill" -> {
                    ka.cleanAfterKill(node);
                    ka.start(node);
                }
                case "stop" -> {
                    ka.waitGone(node);
                    ka.startKeepalived(node);
                }
                case "health" -> ka.setReady(node, true);
                default -> throw new IllegalArgumentException(fault);
            }
        }

        @Override
        public void setReady(String node, boolean ready) {
            ka.setReady(node, ready);
        }

        @Override
        public void stopAll() {
            ka.stopAll();
        }

        @Override
        public long[] pids(String node) {
            return ka.keepalivedPids(node);
        }

        @Override
        public String heapKiB(String node) {
            return "-";
        }

        @Override
        public String diagnostics() {
            return BenchLab.sh(10_000, "tail -n 5 " + lab.work() + "/keepalived-n1.log").text();
        }
    }
}
