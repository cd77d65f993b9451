package io.selfbalance.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running lab: a bridge, one network namespace per node plus the client's, and one Jetty JVM per
 * node. It observes the cluster from the outside, through the kernel (who holds the VIP on its
 * interface, the IPVS table each node programmed) and each node's own health endpoint, so the lab
 * judges the module by what the network actually does.
 */
public final class Cluster {

    /** How one node looks from outside at one moment. */
    public record NodeView(String name, boolean running, boolean vipOnInterface, boolean vipOnLo, String health,
                    Map<String, Integer> ipvsWeights) {
        public String role() {
            if (vipOnInterface) {
                return "MASTER";
            }
            if (vipOnLo) {
                return "BACKUP";
            }
            return running ? "-" : "DOWN";
        }

        public boolean hasIpvsService() {
            return ipvsWeights != null;
        }
    }

    /** All nodes at one moment, plus the weights in the IPVS table of the (single) master. */
    public record Snapshot(long atMs, Map<String, NodeView> nodes) {
        public List<String> masters() {
            List<String> m = new ArrayList<>();
            nodes.values().forEach(v -> {
                if (v.vipOnInterface()) {
                    m.add(v.name());
                }
            });
            return m;
        }

        /** The master's IPVS weight for {@code node}, or null when there is no single master or no entry. */
        public Integer weightOnMaster(String node) {
            List<String> m = masters();
            if (m.size() != 1) {
                return null;
            }
            Map<String, Integer> w = nodes.get(m.get(0)).ipvsWeights();
            return w == null ? null : w.get(node);
        }
    }

    /**
     * JVM options of every JVM the lab starts (nodes and clients): three Jetty JVMs, a client and the lab share
     * user-mode-linux's one CPU, so the JIT stops at C1 with one compiler thread, the GC is the serial one and
     * no perf-data file is written; class data sharing (on by default) stays on.
     */
    static final List<String> SMALL_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:-UsePerfData", "-Xshare:auto");

    /**
     * The nice value of a JVM the lab starts, until it serves (see {@link #promote}). Not 19: at 19 a restarted node
     * got ~1.5 % of the CPU next to three busy JVMs and wrote no log line for 6-12 minutes; at 5 it still yields to
     * the serving nodes' adverts and probes (about a third of their share) and starts in tens of seconds.
     */
    static final int STARTING_NICE = 5;

    private final LabSettings s;
    private final Path work;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    public Cluster(LabSettings s, Path work) {
        this.s = s;
        this.work = work;
    }

    public LabSettings settings() {
        return s;
    }

    /** Creates the bridge and the namespaces; refuses to run over an existing one of the same names. */
    public void createTopology() {
        List<String> all = new ArrayList<>(s.names());
        all.add(LabSettings.CLIENT_NS);
        String existing = Sh.run(10_000, "ip", "netns", "list").text();
        for (String ns : all) {
            if (existing.matches("(?s)(^|.*\\n)" + Pattern.quote(ns) + "( .*)?(\\n.*|$)")) {
                throw new IllegalStateException("network namespace '" + ns + "' already exists; an earlier lab may still run "
                        + "(remove it with: ip netns del " + ns + ")");
            }
        }
        // one shell for all of it: every process started inside user-mode-linux is expensive
        StringBuilder sh = new StringBuilder("set -e\n")
                .append("ip link add ").append(s.bridge()).append(" type bridge\n")
                .append("ip link set ").append(s.bridge()).append(" up\n")
                // the lab itself sits on the bridge (192.168.77.1) to read the nodes' health endpoints
                .append("ip addr add ").append(LabSettings.LAB_ADDRESS).append("/24 dev ").append(s.bridge()).append('\n');
        for (int i = 0; i <= s.nodes(); i++) {
            boolean client = i == s.nodes();
            String ns = client ? LabSettings.CLIENT_NS : s.name(i);
            String addr = client ? LabSettings.CLIENT_ADDRESS : s.address(i);
            sh.append("ip netns add ").append(ns).append('\n')
                    .append("ip link add sbv").append(ns).append(" type veth peer name eth0 netns ").append(ns).append('\n')
                    .append("ip link set sbv").append(ns).append(" master ").append(s.bridge()).append(" up\n")
                    .append("ip -n ").append(ns).append(" link set lo up\n")
                    .append("ip -n ").append(ns).append(" link set eth0 up\n")
                    .append("ip -n ").append(ns).append(" addr add ").append(addr).append("/24 dev eth0\n");
        }
        Sh.Out o = Sh.bash(120_000, sh.toString());
        if (!o.ok()) {
            throw new IllegalStateException("cannot create the lab network (exit " + o.exitCode() + "):\n" + o.text());
        }
    }

    /** Removes what {@link #createTopology} made (best effort; used on hosts that have IPVS). */
    public void deleteTopology() {
        unwatch();
        for (String ns : s.names()) {
            Sh.run(10_000, "ip", "netns", "del", ns);
        }
        Sh.run(10_000, "ip", "netns", "del", LabSettings.CLIENT_NS);
        Sh.run(10_000, "ip", "link", "del", s.bridge());
    }

    public Path base(String node) {
        return work.resolve(node);
    }

    /**
     * Writes {@code <base>/start-node.sh}: the one JVM command line of the node (start.jar's dry run plus
     * the lab's JVM options) run in the node's namespace; it records its pid in {@code <base>/jetty.pid}.
     * The lab starts nodes with it, and so can a person in the {@code --keep} shell.
     */
    public Path startScript(String node) {
        List<String> dry = JettyBases.command(base(node));
        // The demo webapp names itself after the host name (it also reads -Ddemo.node; the UTS namespace
        // keeps the node name visible to every tool in the namespace too): each node gets its own UTS
        // namespace with host name = node name (HOSTNAME covers a host name that does not resolve).
        // a starting JVM (class loading, JIT, tens of thousands of trapped page faults inside user-mode-linux) at a
        // lower priority: it must not starve the running nodes' probes and adverts; promote() restores it once it serves
        List<String> cmd = new ArrayList<>(List.of("nice", "-n", Integer.toString(STARTING_NICE),
                "ip", "netns", "exec", node, "unshare", "--uts", "/bin/sh", "-c",
                "hostname " + node + " && HOSTNAME=" + node + " && export HOSTNAME && exec \"$@\"", "node-" + node));
        cmd.add(dry.get(0));
        cmd.addAll(SMALL_JVM);
        cmd.addAll(List.of("-Xms48m", "-Xmx192m", "-Xss512k"));
        cmd.addAll(dry.subList(1, dry.size()));
        StringBuilder sb = new StringBuilder("#!/bin/bash\n# starts lab node " + node + " in its network namespace\n")
                .append("cd ").append(base(node)).append(" || exit 1\n")
                .append("echo $$ > ").append(base(node).resolve("jetty.pid")).append('\n')
                .append("exec");
        for (String c : cmd) {
            sb.append(' ').append(quote(c));
        }
        sb.append('\n');
        Path script = base(node).resolve("start-node.sh");
        try {
            java.nio.file.Files.writeString(script, sb.toString());
            script.toFile().setExecutable(true);
        } catch (IOException e) {
            throw Sh.io("cannot write " + script, e);
        }
        return script;
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** Starts the node's Jetty JVM in its namespace (output appended to {@code <base>/logs/lab-jetty.log}). */
    public synchronized void start(String node) {
        Process old = processes.get(node);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException(node + " is already running (pid " + old.pid() + ")");
        }
        Path script = startScript(node);
        File log = base(node).resolve("logs/lab-jetty.log").toFile();
        log.getParentFile().mkdirs();
        try {
            Process p = new ProcessBuilder("bash", script.toString())
                    .directory(base(node).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .redirectErrorStream(true)
                    .start();
            processes.put(node, p);
        } catch (IOException e) {
            throw Sh.io("cannot start " + node, e);
        }
    }

    /**
     * Gives a started node's JVM the normal priority (nice 0) once it serves; idempotent. (The start script's shell
     * execs nice, ip, unshare, sh and java in turn: the process the lab started is the JVM.)
     */
    public void promote(String node) {
        Process p;
        synchronized (this) {
            p = processes.get(node);
        }
        if (p != null && p.isAlive() && promoted.add(p.pid())) {
            if (promoteEveryThread) {
                renice(p.pid());
            } else {
                Sh.run(10_000, "renice", "-n", "0", "-p", Long.toString(p.pid()));
            }
        }
    }

    private volatile boolean promoteEveryThread;

    /**
     * {@link #promote} gives every thread of the JVM nice 0 ({@link #renice}), not only its main thread. The bench
     * does (its Jetty nodes must not run at a lower priority than keepalived); the lab's end-to-end run still renices
     * the main thread only, as every CI run so far did: its nodes' other threads keep nice {@value #STARTING_NICE}
     * (a change of the CPU shares that CI's one-CPU run has not been tried with yet).
     */
    public Cluster promotingEveryThread() {
        promoteEveryThread = true;
        return this;
    }

    private final java.util.Set<Long> promoted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Waits (bounded) until {@code node} serves {@code /api/whoami} on its own address, then gives its JVM the
     * normal priority (JVMs start at nice {@value #STARTING_NICE}); whether it served.
     */
    public boolean promoteWhenServing(String node, long timeoutMs) {
        String url = whoami(node);
        boolean served = Lab.waitFor(() -> httpStatus(url) == 200 || !running(node), timeoutMs, 500) >= 0 && running(node);
        if (served) {
            promote(node);
        }
        return served;
    }

    private String whoami(String node) {
        return "http://" + s.address(s.index(node)) + ":" + s.port() + "/api/whoami";
    }

    /**
     * Starts {@code node} with its readiness DOWN (the demo webapp's switch file), waits until it serves
     * {@code /api/whoami} on its own address (bounded: 10 min), gives it the normal priority, sends it
     * {@code requests} there to warm the JIT and the request path, and turns it ready. Returns the ms that took,
     * or -1 when it never served (its readiness then stays DOWN).
     */
    public long startWarm(String node, int requests) {
        setReady(node, false);
        start(node);
        long t0 = System.currentTimeMillis();
        if (!promoteWhenServing(node, 600_000)) {
            return -1;
        }
        String url = whoami(node);
        for (int i = 0; i < requests; i++) {
            httpStatus(url);
        }
        setReady(node, true);
        return System.currentTimeMillis() - t0;
    }

    /**
     * Nice 0 for every thread of {@code pid} that still has the starting nice {@value #STARTING_NICE} (needs root, as
     * the lab does). Per thread: on Linux a nice value belongs to a thread, and {@code renice -p PID} changes only the
     * main one (until 2026-11-26 every other thread of a lab node kept nice 5 for its whole life). Threads at another
     * value keep it: the module sets its control loop's own ({@code selfbalance.control-nice}). Two passes, for a
     * thread that a not yet reniced one started meanwhile (a new thread inherits its creator's nice).
     */
    static void renice(long pid) {
        for (int pass = 0; pass < 2; pass++) {
            List<String> cmd = new ArrayList<>(List.of("renice", "-n", "0", "-p"));
            for (Map.Entry<Long, Integer> t : threadNice(pid).entrySet()) {
                if (t.getValue() == STARTING_NICE) {
                    cmd.add(Long.toString(t.getKey()));
                }
            }
            if (cmd.size() == 4) {
                return;
            }
            Sh.run(10_000, cmd); // a thread that ended meanwhile fails alone: renice goes on with the others
        }
    }

    /** Thread id to nice value of every thread of {@code pid} (empty when the process is gone). */
    static Map<Long, Integer> threadNice(long pid) {
        Map<Long, Integer> nice = new LinkedHashMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return nice;
        }
        for (File t : tasks) {
            try {
                Integer n = niceOf(java.nio.file.Files.readString(t.toPath().resolve("stat")));
                if (n != null) {
                    nice.put(Long.parseLong(t.getName()), n);
                }
            } catch (IOException | NumberFormatException e) {
                // the thread ended between the listing and the read
            }
        }
        return nice;
    }

    /**
     * Field 19 (nice) of a {@code /proc/.../stat} line, counted after the last {@code ')'}: a thread's name
     * ({@code C1 CompilerThre}) may hold spaces and parentheses. Null when the line is not one.
     */
    static Integer niceOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field 19 is f[16]
        if (f.length < 17) {
            return null;
        }
        try {
            return Integer.parseInt(f[16]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public synchronized boolean running(String node) {
        Process p = processes.get(node);
        return p != null && p.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to clean up (what the VIP lifetime is for). */
    public synchronized void kill9(String node) {
        Process p = processes.get(node);
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** SIGTERM: Jetty's shutdown hook stops the server, and the module drains and hands over. */
    public synchronized Process terminate(String node) {
        Process p = processes.get(node);
        if (p != null) {
            p.destroy();
        }
        return p;
    }

    /** Stops every node (SIGTERM, then SIGKILL after {@code graceMs}). */
    public void stopAll(long graceMs) {
        List<Process> ps;
        synchronized (this) {
            ps = new ArrayList<>(processes.values());
        }
        ps.forEach(Process::destroy);
        long deadline = System.currentTimeMillis() + graceMs;
        for (Process p : ps) {
            try {
                long left = Math.max(1, deadline - System.currentTimeMillis());
                if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Kills node JVMs that the lab does not own (started from the {@code --keep} shell), found by their
     * pid files; a pid is only trusted while its command line still names the node's base.
     */
    public void killStrays() {
        for (String n : s.names()) {
            Path pidFile = base(n).resolve("jetty.pid");
            try {
                if (!java.nio.file.Files.exists(pidFile)) {
                    continue;
                }
                long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
                ProcessHandle.of(pid).ifPresent(h -> {
                    String cmd = h.info().commandLine().orElse("");
                    if (cmd.contains(base(n).toString())) {
                        h.destroyForcibly();
                    }
                });
            } catch (IOException | NumberFormatException ignored) {
                // no usable pid file: nothing of ours to kill
            }
        }
    }

    /** Last lines of a node's Jetty log, for error messages. */
    public String logTail(String node, int lines) {
        Path log = base(node).resolve("logs/lab-jetty.log");
        try {
            List<String> all = java.nio.file.Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    // ---- observation ---------------------------------------------------------------------------

    private final Map<String, NsWatch> watches = new LinkedHashMap<>();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofMillis(2000)).build();

    /** Starts watching every node's namespace (after {@link #createTopology}). */
    public void watch() {
        for (String n : s.names()) {
            watches.put(n, new NsWatch(n, s.vip()));
        }
    }

    public void unwatch() {
        watches.values().forEach(NsWatch::close);
    }

    /** Every node's VIP placement and IPVS table (kernel state, no commands run) and readiness (HTTP). */
    public Snapshot snapshot() {
        Map<String, NodeView> views = new LinkedHashMap<>();
        for (int i = 0; i < s.nodes(); i++) {
            String n = s.name(i);
            NsWatch w = watches.get(n);
            views.put(n, new NodeView(n, running(n), w != null && w.vipOnEth0(), w != null && w.vipOnLo(),
                    health(i), ipvsWeights(n)));
        }
        return new Snapshot(System.currentTimeMillis(), views);
    }

    private String health(int i) {
        int code = httpStatus("http://" + s.address(i) + ":" + s.port() + "/health/ready");
        return switch (code) {
            case 200 -> "UP";
            case 503 -> "DOWN";
            case 0 -> "-";
            default -> "http" + code;
        };
    }

    public String nodeOf(String address) {
        for (int i = 0; i < s.nodes(); i++) {
            if (s.address(i).equals(address)) {
                return s.name(i);
            }
        }
        return null;
    }

    /** Whether the VIP is on {@code node}'s eth0 now. */
    public boolean vipOnInterface(String node) {
        return watches.get(node).vipOnEth0();
    }

    /** When the VIP last appeared on or vanished from one of {@code node}'s interfaces (epoch ms). */
    public long vipChangedAtMs(String node) {
        return watches.get(node).changedAtMs();
    }

    /** The weights (by node name) in {@code node}'s IPVS service for the VIP, or null when it has none. */
    public Map<String, Integer> ipvsWeights(String node) {
        NsWatch w = watches.get(node);
        Map<String, Integer> byAddress = w == null ? null : w.ipvs(s.port());
        if (byAddress == null) {
            return null;
        }
        Map<String, Integer> byNode = new LinkedHashMap<>();
        byAddress.forEach((a, weight) -> {
            String n = nodeOf(a);
            byNode.put(n == null ? a : n, weight);
        });
        return byNode;
    }

    /** GET {@code url} from the lab's own address on the bridge; the HTTP status, or 0 when nothing answered. */
    public int httpStatus(String url) {
        try {
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofMillis(3000)).GET().build();
            return http.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Turns a node's readiness DOWN or UP with the demo webapp's switch file in its jetty.base. */
    public void setReady(String node, boolean ready) {
        Path f = base(node).resolve("selfbalance-demo.down");
        try {
            if (ready) {
                java.nio.file.Files.deleteIfExists(f);
            } else {
                java.nio.file.Files.writeString(f, "turned DOWN by the lab\n");
            }
        } catch (IOException e) {
            throw Sh.io("cannot switch readiness of " + node + " (" + f + ")", e);
        }
    }
}
