package io.selfbalance.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The lab's topology and timers. Written by {@code prepare} into {@code <work>/lab.properties} and read
 * back by {@code play}, so the two steps (on the host, then maybe inside user-mode-linux) agree.
 *
 * @param nodes            node count (names n1..nN, addresses 192.168.77.11..)
 * @param weights          configured IPVS weight of each node
 * @param priorities       VRRP priority of each node (the highest starts as master)
 * @param advertMs         VRRP advertisement interval
 * @param probeIntervalMs  the master's health probe interval
 * @param probeFall        failed probes before a node counts as DOWN
 * @param probeRise        good probes before a node counts as UP again
 * @param vipLifetimeMs    valid lifetime of the VIP on the master's interface
 * @param drainMs          how long a graceful stop waits for connections to finish
 * @param clientIntervalMs the load client's interval between new connections
 * @param bridge           the bridge that joins the namespaces
 * @param probeTimeoutMs   how long one health probe of the master may take (at most {@code probeIntervalMs})
 * @param clientTimeoutMs  the load client's timeout per request (connect and reply; the connect part is capped at
 *                         {@link #CLIENT_CONNECT_TIMEOUT_CAP_MS}, see {@link #clientConnectTimeoutMs()})
 * @param connectionSync   {@code selfbalance.connection-sync} on every node (IPVS connection synchronisation)
 */
public record LabSettings(int nodes, List<Integer> weights, List<Integer> priorities, int port, String vip,
                          int vrid, long advertMs, long probeIntervalMs, int probeFall, int probeRise,
                          long vipLifetimeMs, long drainMs, long clientIntervalMs, String bridge,
                          long probeTimeoutMs, long clientTimeoutMs, boolean connectionSync) {

    public static final String SUBNET = "192.168.77.";
    public static final String CLIENT_ADDRESS = SUBNET + "100";
    public static final String CLIENT_NS = "c";
    /** The lab's own address on the bridge (in the namespace that runs the lab: the UML kernel's, or the host's). */
    public static final String LAB_ADDRESS = SUBNET + "1";

    /** Where the lab runs in the host's own namespaces (a kernel with IPVS): a new connection every 10 ms. */
    public static LabSettings defaults() {
        return new LabSettings(3, List.of(1, 2, 3), List.of(150, 100, 50), 8080, SUBNET + "254", 77,
                1000, 1000, 2, 2, 5000, 2000, 10, "sblab0", 1000, 1000, true);
    }

    /**
     * Inside user-mode-linux: one CPU for three Jetty JVMs, two clients and the lab, every system call and
     * page fault trapped by the host (README, "Quick start"). A new connection every 50 ms instead of 10 ms,
     * requests that may take 3 s, and health probes every 2 s with a 2 s time limit (each of the three nodes
     * probes all three): a JVM that the one CPU leaves waiting for a second or two must not count as DOWN.
     * The expectations stay the same, computed from these values (weight 0 within 2 s x 2 + 1 s). A stopping
     * node drains for at least a probe interval plus its time limit (the module's minimum, so the master has
     * seen it leave) and at most UML_DRAIN_MS while connections stay open.
     */
    public static LabSettings uml() {
        LabSettings d = defaults();
        return new LabSettings(d.nodes, d.weights, d.priorities, d.port, d.vip, d.vrid, d.advertMs, UML_PROBE_INTERVAL_MS,
                d.probeFall, d.probeRise, d.vipLifetimeMs, UML_DRAIN_MS, UML_CLIENT_INTERVAL_MS, d.bridge,
                UML_PROBE_INTERVAL_MS, UML_CLIENT_TIMEOUT_MS, d.connectionSync);
    }

    static final long UML_CLIENT_INTERVAL_MS = 50;
    /**
     * A request inside user-mode-linux fails when it is not answered within 10 s. Three JVMs, the client and the
     * lab share one emulated CPU, which the host can stall for seconds: the clean-clone CI run of 2026-11-26 11:00
     * saw a restarted node's requests (6 in 5 s), a draining node's (6 in 12 s) and one in steady state exceed the
     * earlier 3 s, while every node was up and had the VIP. Lost packets are still caught within 3 s: the
     * handshake's part is capped ({@link #clientConnectTimeoutMs()}).
     */
    static final long UML_CLIENT_TIMEOUT_MS = 10_000;
    /**
     * The longest a request's TCP handshake may take, whatever {@code clientTimeoutMs}: 3 s covers the first SYN
     * and its retransmission after 1 s; a SYN still unanswered was lost (a node without the VIP, a black hole), which
     * the client reports as {@code connect-timeout}, apart from a slow reply ({@code timeout}).
     */
    public static final long CLIENT_CONNECT_TIMEOUT_CAP_MS = 3000;
    static final long UML_PROBE_INTERVAL_MS = 2000;
    static final long UML_DRAIN_MS = 6000;

    /** These settings with {@code selfbalance.connection-sync} set to {@code on}. */
    public LabSettings withConnectionSync(boolean on) {
        return new LabSettings(nodes, weights, priorities, port, vip, vrid, advertMs, probeIntervalMs, probeFall, probeRise,
                vipLifetimeMs, drainMs, clientIntervalMs, bridge, probeTimeoutMs, clientTimeoutMs, on);
    }

    /** Of the nodes {@code among} accepts, the one with the highest VRRP priority (the master once preemption settled). */
    public String highestPriority(java.util.function.Predicate<String> among) {
        String best = null;
        for (int i = 0; i < nodes; i++) {
            if (among.test(name(i)) && (best == null || priorities.get(i) > priorities.get(index(best)))) {
                best = name(i);
            }
        }
        return best;
    }

    /** The load client's connect timeout: {@code clientTimeoutMs}, at most {@link #CLIENT_CONNECT_TIMEOUT_CAP_MS}. */
    public long clientConnectTimeoutMs() {
        return Math.min(clientTimeoutMs, CLIENT_CONNECT_TIMEOUT_CAP_MS);
    }

    public LabSettings {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("nodes=" + nodes + " is not allowed; allowed: 1..9");
        }
        if (weights.size() != nodes || priorities.size() != nodes) {
            throw new IllegalArgumentException("weights " + weights + " and priorities " + priorities
                    + " must each list " + nodes + " values (one per node)");
        }
        if (probeTimeoutMs < 10 || probeTimeoutMs > probeIntervalMs) {
            throw new IllegalArgumentException("probeTimeoutMs=" + probeTimeoutMs + " is not allowed; allowed: 10.."
                    + probeIntervalMs + " (at most probeIntervalMs)");
        }
        if (clientTimeoutMs < 1) {
            throw new IllegalArgumentException("clientTimeoutMs=" + clientTimeoutMs + " is not allowed; allowed: >= 1");
        }
        weights = List.copyOf(weights);
        priorities = List.copyOf(priorities);
    }

    public String name(int i) {
        return "n" + (i + 1);
    }

    public String address(int i) {
        return SUBNET + (11 + i);
    }

    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            n.add(name(i));
        }
        return n;
    }

    public int index(String name) {
        int i = names().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no node named '" + name + "'; nodes: " + names());
        }
        return i;
    }

    public String whoamiUrl() {
        return "http://" + vip + ":" + port + "/api/whoami";
    }

    public void store(Path file) {
        Properties p = new Properties();
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("weights", join(weights));
        p.setProperty("priorities", join(priorities));
        p.setProperty("port", Integer.toString(port));
        p.setProperty("vip", vip);
        p.setProperty("vrid", Integer.toString(vrid));
        p.setProperty("advertMs", Long.toString(advertMs));
        p.setProperty("probeIntervalMs", Long.toString(probeIntervalMs));
        p.setProperty("probeFall", Integer.toString(probeFall));
        p.setProperty("probeRise", Integer.toString(probeRise));
        p.setProperty("vipLifetimeMs", Long.toString(vipLifetimeMs));
        p.setProperty("drainMs", Long.toString(drainMs));
        p.setProperty("clientIntervalMs", Long.toString(clientIntervalMs));
        p.setProperty("bridge", bridge);
        p.setProperty("probeTimeoutMs", Long.toString(probeTimeoutMs));
        p.setProperty("clientTimeoutMs", Long.toString(clientTimeoutMs));
        p.setProperty("connectionSync", Boolean.toString(connectionSync));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "selfbalance lab settings (written by Lab prepare, read by Lab play)");
        } catch (IOException e) {
            throw Sh.io("cannot write " + file, e);
        }
    }

    public static LabSettings load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw Sh.io("cannot read " + file + " (run 'Lab prepare' first)", e);
        }
        return new LabSettings(Integer.parseInt(p.getProperty("nodes")), ints(p.getProperty("weights")),
                ints(p.getProperty("priorities")), Integer.parseInt(p.getProperty("port")), p.getProperty("vip"),
                Integer.parseInt(p.getProperty("vrid")), Long.parseLong(p.getProperty("advertMs")),
                Long.parseLong(p.getProperty("probeIntervalMs")), Integer.parseInt(p.getProperty("probeFall")),
                Integer.parseInt(p.getProperty("probeRise")), Long.parseLong(p.getProperty("vipLifetimeMs")),
                Long.parseLong(p.getProperty("drainMs")), Long.parseLong(p.getProperty("clientIntervalMs")),
                p.getProperty("bridge"),
                // work dirs written before these keys existed: the values they ran with
                Long.parseLong(p.getProperty("probeTimeoutMs", Long.toString(Math.min(1000, Long.parseLong(p.getProperty("probeIntervalMs")))))),
                Long.parseLong(p.getProperty("clientTimeoutMs", "1000")),
                Boolean.parseBoolean(p.getProperty("connectionSync", "false")));
    }

    static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    private static String join(List<Integer> v) {
        StringBuilder sb = new StringBuilder();
        for (Integer i : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(i);
        }
        return sb.toString();
    }
}
