package io.selfbalance.lab;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The lab as the benchmarks use it: the same bridge, namespaces, addresses, VIP, jetty bases, node
 * control, kernel watch and load client as {@code lab/run}, so Selfbalance and keepalived are measured
 * on the very topology the lab plays its scenarios on.
 *
 * <p>Why this class lives in the lab's package but in the bench module: the lab keeps its pieces
 * ({@code Cluster}, {@code NsWatch}, {@code ClientProcess}, {@code JettyBases}) package-private, and it is
 * being changed by its owner while the bench is written; this one thin facade is the only place that
 * depends on their package-private shape, instead of copying them. (Request to make them public:
 * /work/notes/requests-lab.md.)
 */
public final class BenchLab implements AutoCloseable {

    private final LabSettings settings;
    private final Cluster cluster;
    private final Path work;
    private ClientProcess client;

    private BenchLab(LabSettings settings, Path work) {
        this.settings = settings;
        this.work = work;
        this.cluster = new Cluster(settings, work).promotingEveryThread(); // its nodes at keepalived's nice 0, every thread
    }

    /**
     * The lab's settings with the bench's node count, advertisement and client interval; everything else
     * (addresses, VIP, weights, priorities, probe timers) as {@code lab/run} uses it.
     */
    public static LabSettings settings(int nodes, long advertMs, long clientIntervalMs) {
        // the lab's user-mode-linux settings (probe timers, drain), except the client's timeout: the bench keeps
        // 3 s, as in every run it reports (a failover trial waits one timeout for the requests sent to the old master)
        LabSettings d = LabSettings.uml();
        return new LabSettings(nodes, d.weights().subList(0, nodes), d.priorities().subList(0, nodes), d.port(), d.vip(),
                d.vrid(), advertMs, d.probeIntervalMs(), d.probeFall(), d.probeRise(),
                Math.max(d.vipLifetimeMs(), 3 * advertMs), d.drainMs(), clientIntervalMs, d.bridge(),
                d.probeTimeoutMs(), BENCH_CLIENT_TIMEOUT_MS, d.connectionSync());
    }

    static final long BENCH_CLIENT_TIMEOUT_MS = 3000;

    /** On the host: the jetty bases (real jetty-home, selfbalance overlay, demo WAR) and lab.properties under {@code work}. */
    public static void prepareJettyBases(LabSettings s, Path dist, Path work, PrintStream log, List<String> extraIni) {
        JettyBases.prepare(s, JettyBases.find(dist), work, log, extraIni);
        s.store(work.resolve("lab.properties"));
    }

    /** Settings stored by {@link #prepareJettyBases} (or {@link #storeSettings}). */
    public static BenchLab open(Path work) {
        return new BenchLab(LabSettings.load(work.resolve("lab.properties")), work);
    }

    /** A lab over {@code work} without jetty bases (the keepalived side of the comparison). */
    public static BenchLab withoutJetty(LabSettings s, Path work) {
        return new BenchLab(s, work);
    }

    public LabSettings settings() {
        return settings;
    }

    public Path work() {
        return work;
    }

    /** Bridge, namespaces n1..nN and c, addresses; then watch each node's VIP and IPVS table. */
    public void createTopology() {
        cluster.createTopology();
        cluster.watch();
    }

    public void deleteTopology() {
        cluster.deleteTopology();
    }

    public void startJetty(String node) {
        cluster.start(node);
    }

    /**
     * Restarts {@code node} the way the lab does (see {@link Cluster#startWarm}): readiness DOWN until it served
     * {@code requests} on its own address, at normal priority. Returns ms, or -1 when it never served.
     */
    public long startJettyWarm(String node, int requests) {
        return cluster.startWarm(node, requests);
    }

    /**
     * Waits (bounded) until {@code node} serves on its own address, then gives its JVM the normal priority
     * ({@link Cluster#promoteWhenServing}); whether it served.
     */
    public boolean promoteWhenServing(String node, long timeoutMs) {
        return cluster.promoteWhenServing(node, timeoutMs);
    }

    public boolean jettyRunning(String node) {
        return cluster.running(node);
    }

    public void kill9Jetty(String node) {
        cluster.kill9(node);
    }

    public Process terminateJetty(String node) {
        return cluster.terminate(node);
    }

    public void stopAllJetty(long graceMs) {
        cluster.stopAll(graceMs);
        cluster.killStrays();
    }

    /** The node JVM's pid (written by its start script), or -1. */
    public long jettyPid(String node) {
        try {
            return Long.parseLong(java.nio.file.Files.readString(cluster.base(node).resolve("jetty.pid")).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The demo webapp's readiness switch (the file that turns /health/ready DOWN). */
    public void setReady(String node, boolean ready) {
        cluster.setReady(node, ready);
    }

    public boolean vipOnInterface(String node) {
        return cluster.vipOnInterface(node);
    }

    /** Nodes that hold the VIP on eth0 now (kernel state). */
    public List<String> masters() {
        return cluster.snapshot().masters();
    }

    /** {@code node}'s IPVS weights for the VIP service (by node name), or null when it has no such service. */
    public Map<String, Integer> ipvsWeights(String node) {
        return cluster.ipvsWeights(node);
    }

    public int httpStatus(String url) {
        return cluster.httpStatus(url);
    }

    public String logTail(String node, int lines) {
        return cluster.logTail(node, lines);
    }

    public static long nowUs() {
        return LoadClient.nowUs();
    }

    // ---- the load client in namespace c ---------------------------------------------------------

    /** Starts the lab's load client in the client namespace (new connection per request, every clientIntervalMs). */
    public void startClient(Path log) {
        client = new ClientProcess(settings, log);
    }

    public void mark(String window, long faultUs) {
        client.mark(window, faultUs);
    }

    /** Closes the window; the client's EVENT fields (sent, ok, failed, firstSuccessMs, outageMs, node.*). */
    public Map<String, String> end(String window) {
        return client.end(window).values();
    }

    /** The client's last one-second tick (ok, fail, node.*), or null before the first. */
    public Map<String, String> lastTick() {
        ClientProcess.Fields t = client == null ? null : client.lastTick();
        return t == null ? null : t.values();
    }

    public void stopClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        stopClient();
        cluster.unwatch();
    }

    /** Out of Sh for callers in other packages. */
    public record Shell(int exitCode, String text) {}

    public static Shell sh(long timeoutMs, String script) {
        Sh.Out o = Sh.bash(timeoutMs, script);
        return new Shell(o.exitCode(), o.text());
    }
}
