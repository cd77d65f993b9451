package io.selfbalance.jetty.cluster;

import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.health.policy.HealthObservation;
import io.selfbalance.health.policy.Ticker;
import io.selfbalance.health.policy.WeightPolicy;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsProtocol;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsTable;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every node's IPVS weight, from the health results of its probes ({@link WeightPolicy}: rise/fall, weight 0 to
 * drain, application weight requests), and the IPVS table those weights give for the VIPs this node is master
 * of: one service per VIP and configured service, one direct-routing destination per node of the VIP's family.
 * Runs on the control-plane loop only.
 */
public final class NodeWeights {
    private final EffectiveConfig config;
    private final WeightPolicy policy;
    /** Nodes with at least one recorded result (probe or seed). */
    private final Set<String> observed = new HashSet<>();
    private final Ticker ticker;
    /** The control plane's periodic tick calls {@link #heartbeat()} this often. */
    private final long heartbeatNanos;
    private long lastHeartbeatNanos;
    private long pausesExcused;

    public NodeWeights(EffectiveConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        EffectiveConfig.Health h = config.health();
        this.heartbeatNanos = h.localInterval().toNanos();
        // no result for (fall + 1) probe periods: whoever fed the node stopped; its weight goes to 0
        Duration stale = h.probeInterval().multipliedBy(h.fall() + 1L).plus(h.probeTimeout());
        this.policy = new WeightPolicy(new WeightPolicy.Settings(h.rise(), h.fall(), stale), ticker);
        for (EffectiveConfig.Node n : config.nodes()) {
            policy.setDestination(n.name(), n.weight());
        }
    }

    /** Records a health result of node {@code name}; returns whether its weight changed. */
    public boolean observe(String name, HealthObservation observation) {
        noticePause();
        int before = policy.decision(name).weight();
        observed.add(name);
        return policy.observe(name, observation).weight() != before;
    }

    /**
     * Records {@code observation} as the first result of {@code name}, only when no result was ever recorded for it
     * (neither a probe result nor an earlier seed): its sequence starts from this result as it would from a first
     * probe result (UNKNOWN decides at once). A node that had no result for the stale period is already DOWN for
     * having no result; it starts afresh, since the seed is its first one. Returns whether its weight changed.
     */
    public boolean seed(String name, HealthObservation observation) {
        noticePause();
        if (observed.contains(name)) {
            return false;
        }
        int before = policy.decision(name).weight();
        EffectiveConfig.Node node = config.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node: '" + name + "' is not configured"));
        policy.removeDestination(name);
        policy.setDestination(name, node.weight());
        observed.add(name);
        return policy.observe(name, observation).weight() != before;
    }

    /**
     * Called by the control plane's periodic tick (every {@code health.local-interval}). The tick runs on the same
     * loop as everything that reads the weights, so a tick that is more than one period late means the loop (or the
     * whole JVM: a long GC, a starved CPU) stood still: the nodes were not silent, this process was. Every method
     * checks this first, before any staleness is judged, since after a pause a probe result or an advertisement may
     * run before the late tick.
     */
    public void heartbeat() {
        noticePause();
        lastHeartbeatNanos = ticker.nanoTime();
    }

    /** How many stalls of the control plane were excused so far. */
    public long pausesExcused() {
        return pausesExcused;
    }

    private void noticePause() {
        if (lastHeartbeatNanos == 0) {
            return;
        }
        long now = ticker.nanoTime();
        long late = now - lastHeartbeatNanos - heartbeatNanos;
        if (late > heartbeatNanos) {
            policy.excusePause(Duration.ofNanos(late));
            pausesExcused++;
            lastHeartbeatNanos = now - heartbeatNanos; // excused once; the late tick itself finds nothing more
        }
    }

    /**
     * Holds the node at {@code address} at weight 0 until its next UP probe result ({@link WeightPolicy#suspect}),
     * e.g. the master whose advertisements stopped: it is cut off or dead, and its own probes would take
     * {@code fall} intervals (each up to the probe timeout) to say so. This node itself is never suspected.
     * Returns the node's name, or {@code null} when no other configured node has that address.
     */
    public String suspect(java.net.InetAddress address, String why) {
        noticePause();
        for (EffectiveConfig.Node n : config.nodes()) {
            if (!n.self() && n.address().equals(address)) {
                policy.suspect(n.name(), why);
                return n.name();
            }
        }
        return null;
    }

    /** Whether a result (probe or seed) was ever recorded for {@code name}. */
    public boolean observed(String name) {
        return observed.contains(name);
    }

    /**
     * The other nodes whose weight is not settled yet ({@link WeightPolicy#settled}: no result, or DOWN with UP results
     * short of {@code rise}; a dead peer's refused connections settle it DOWN). This node itself is left out: a new
     * master seeds its own weight from local readiness.
     */
    public List<String> peersNotSettled() {
        List<String> out = new java.util.ArrayList<>();
        for (EffectiveConfig.Node n : config.nodes()) {
            if (!n.self() && !policy.settled(n.name())) {
                out.add(n.name());
            }
        }
        return out;
    }

    public Map<String, WeightPolicy.Decision> decisions() {
        noticePause();
        return policy.decisions();
    }

    public int weight(String name) {
        noticePause();
        return policy.decision(name).weight();
    }

    /** Every IPVS service this node may ever create: each VIP of every router x each configured service. */
    public static Set<IpvsService.Key> ownedServices(EffectiveConfig config) {
        Set<IpvsService.Key> keys = new LinkedHashSet<>();
        for (EffectiveConfig.Router r : config.routers()) {
            for (IpPrefix vip : r.vips()) {
                for (EffectiveConfig.Service s : config.services()) {
                    keys.add(service(vip, s).key());
                }
            }
        }
        return keys;
    }

    /** The table for the routers this node is master of, with the weights decided now. */
    public IpvsTable desiredTable(List<EffectiveConfig.Router> masterOf) {
        return desiredTable(masterOf, List.of());
    }

    /**
     * The table for the routers this node is master of, with the weights decided now, plus, for {@code standbyOf}
     * (routers it is backup of, with connection sync), the same services with this node at weight
     * {@link #STANDBY_SELF_WEIGHT} and every other node at weight 0. Such a standby table schedules nothing
     * elsewhere: a connection the master forwards here, or a new one from a client that still has this node's MAC
     * for the VIP, is served here; every node is still a destination, so the connection entries the master's sync
     * daemon sends are bound to their destinations, and a packet of a connection the master forwarded elsewhere that
     * reaches this node (a client's stale ARP entry just after a change of master) follows that entry.
     */
    public IpvsTable desiredTable(List<EffectiveConfig.Router> masterOf, List<EffectiveConfig.Router> standbyOf) {
        Map<String, WeightPolicy.Decision> weights = policy.decisions();
        Map<IpvsService.Key, IpvsTable.Entry> entries = new LinkedHashMap<>();
        addServices(entries, masterOf, n -> weights.get(n.name()).weight());
        addServices(entries, standbyOf, n -> n.self() ? STANDBY_SELF_WEIGHT : 0);
        return new IpvsTable(List.copyOf(entries.values()));
    }

    /** This node's weight in its own standby table (any positive weight: it is the only one). */
    public static final int STANDBY_SELF_WEIGHT = 1;

    private void addServices(Map<IpvsService.Key, IpvsTable.Entry> entries, List<EffectiveConfig.Router> routers,
                             java.util.function.ToIntFunction<EffectiveConfig.Node> weight) {
        for (EffectiveConfig.Router r : routers) {
            for (IpPrefix vip : r.vips()) {
                for (EffectiveConfig.Service s : config.services()) {
                    IpvsService service = service(vip, s);
                    List<IpvsDestination> destinations = config.nodes().stream()
                            .filter(n -> n.address().getClass() == vip.address().getClass())
                            .map(n -> IpvsDestination.directRoute(n.address(), s.port(), weight.applyAsInt(n)))
                            .toList();
                    entries.putIfAbsent(service.key(), new IpvsTable.Entry(service, destinations));
                }
            }
        }
    }

    private static IpvsService service(IpPrefix vip, EffectiveConfig.Service s) {
        return IpvsService.of(IpvsProtocol.TCP, vip.address(), s.port(), s.scheduler());
    }
}
