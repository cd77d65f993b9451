package io.selfbalance.jetty.cluster;

import io.selfbalance.health.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the cluster layer of this node is doing, as one immutable value published by the control-plane loop and
 * read by any thread (status endpoint, JMX, tests) without locks. {@link #toJson()} is the status endpoint's body;
 * its shape is documented in {@code notes/api-cluster.md} and the README.
 *
 * @param node this node's name in {@code selfbalance.nodes}
 * @param address this node's address
 * @param networkInterface {@code selfbalance.interface}
 * @param state the cluster layer's life cycle
 * @param stateReason why it is in that state (e.g. why INACTIVE), or null
 * @param published when this snapshot was made
 * @param routers one entry per virtual router
 * @param nodes every node with its health and weight as this node sees them
 * @param ipvs the IPVS services this node owns, as the kernel has them (empty unless master)
 * @param transitions the latest VRRP state changes, oldest first
 * @param counters event counters since start
 * @param lastError the latest data-plane or transport failure, or null
 */
public record StatusSnapshot(String node, String address, String networkInterface, State state, String stateReason,
                             Instant published, List<Router> routers, List<Node> nodes, List<Service> ipvs,
                             List<Transition> transitions, Map<String, Long> counters, String lastError) {

    /** The cluster layer's life cycle. */
    public enum State {
        /** Configured, not started. */
        NEW,
        /** Running: routers, probes and policies active. */
        ACTIVE,
        /** Started but not taking part (no IPVS in this kernel, a loopback interface...): see the reason. */
        INACTIVE,
        /** Stopping gracefully: readiness DOWN (weight 0), waiting for connections, handing over. */
        DRAINING,
        /** Stopped: no VIP and no IPVS service of ours left. */
        STOPPED
    }

    public StatusSnapshot {
        routers = List.copyOf(routers);
        nodes = List.copyOf(nodes);
        ipvs = List.copyOf(ipvs);
        transitions = List.copyOf(transitions);
        counters = Map.copyOf(counters);
    }

    /**
     * One virtual router.
     *
     * @param role INITIALIZE, BACKUP or MASTER (VRRP state)
     * @param handingOver MASTER and resigning make-before-break: still forwarding
     * @param priority the priority advertised now (0 = withdrawn: local health keeps this node out)
     * @param master the current master's address as last heard, or null
     * @param vips each VIP and where it is on this node
     */
    public record Router(String name, int vrid, String role, boolean handingOver, int priority, int configuredPriority,
                         String master, int masterPriority, String lastCause, String priorityReason, List<Vip> vips,
                         long advertisementsSent, long advertisementsReceived, long vipRefreshes) {
        public Router {
            vips = List.copyOf(vips);
        }
    }

    /**
     * @param vip CIDR as configured
     * @param on {@code interface}, {@code lo}, {@code none} or {@code interface+lo} (a fault)
     * @param validSeconds remaining lifetime on the interface, -1 = forever, 0 = not there
     */
    public record Vip(String vip, String on, long validSeconds) {
    }

    /**
     * @param health UP, DOWN or UNKNOWN (rise/fall state of this node's probes of it)
     * @param weight the IPVS weight it gets now
     * @param lastProbe the latest probe outcome (UP, DOWN, ERROR) or null before any
     * @param lastProbeLatencyMillis how long that probe took, -1 before any
     */
    public record Node(String name, String address, boolean self, String health, int weight, int configuredWeight,
                       String reason, String lastProbe, long lastProbeLatencyMillis) {
    }

    public record Service(String service, String scheduler, List<Destination> destinations) {
        public Service {
            destinations = List.copyOf(destinations);
        }
    }

    public record Destination(String address, int weight, long activeConnections, long inactiveConnections) {
    }

    public record Transition(String router, int vrid, String from, String to, String cause, String peer, Instant at) {
    }

    /** The role of router {@code name}, or null when there is none. */
    public String roleOf(String name) {
        return routers.stream().filter(r -> r.name().equals(name)).map(Router::role).findFirst().orElse(null);
    }

    /** The status endpoint's body. */
    public String toJson() {
        StringBuilder b = new StringBuilder(1024);
        b.append('{');
        field(b, "node", node).append(',');
        field(b, "address", address).append(',');
        field(b, "interface", networkInterface).append(',');
        field(b, "state", state.name()).append(',');
        field(b, "stateReason", stateReason).append(',');
        field(b, "published", published.toString()).append(',');
        name(b, "routers").append('[');
        for (int i = 0; i < routers.size(); i++) {
            Router r = routers.get(i);
            b.append(i == 0 ? "{" : ",{");
            field(b, "name", r.name()).append(',');
            field(b, "vrid", r.vrid()).append(',');
            field(b, "role", r.role()).append(',');
            field(b, "handingOver", r.handingOver()).append(',');
            field(b, "priority", r.priority()).append(',');
            field(b, "configuredPriority", r.configuredPriority()).append(',');
            field(b, "master", r.master()).append(',');
            field(b, "masterPriority", r.masterPriority()).append(',');
            field(b, "lastCause", r.lastCause()).append(',');
            field(b, "priorityReason", r.priorityReason()).append(',');
            name(b, "vips").append('[');
            for (int j = 0; j < r.vips().size(); j++) {
                Vip v = r.vips().get(j);
                b.append(j == 0 ? "{" : ",{");
                field(b, "vip", v.vip()).append(',');
                field(b, "on", v.on()).append(',');
                field(b, "validSeconds", v.validSeconds()).append('}');
            }
            b.append("],");
            field(b, "advertisementsSent", r.advertisementsSent()).append(',');
            field(b, "advertisementsReceived", r.advertisementsReceived()).append(',');
            field(b, "vipRefreshes", r.vipRefreshes()).append('}');
        }
        b.append("],");
        name(b, "nodes").append('[');
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            b.append(i == 0 ? "{" : ",{");
            field(b, "name", n.name()).append(',');
            field(b, "address", n.address()).append(',');
            field(b, "self", n.self()).append(',');
            field(b, "health", n.health()).append(',');
            field(b, "weight", n.weight()).append(',');
            field(b, "configuredWeight", n.configuredWeight()).append(',');
            field(b, "reason", n.reason()).append(',');
            field(b, "lastProbe", n.lastProbe()).append(',');
            field(b, "lastProbeLatencyMillis", n.lastProbeLatencyMillis()).append('}');
        }
        b.append("],");
        name(b, "ipvs").append('[');
        for (int i = 0; i < ipvs.size(); i++) {
            Service s = ipvs.get(i);
            b.append(i == 0 ? "{" : ",{");
            field(b, "service", s.service()).append(',');
            field(b, "scheduler", s.scheduler()).append(',');
            name(b, "destinations").append('[');
            for (int j = 0; j < s.destinations().size(); j++) {
                Destination d = s.destinations().get(j);
                b.append(j == 0 ? "{" : ",{");
                field(b, "address", d.address()).append(',');
                field(b, "weight", d.weight()).append(',');
                field(b, "activeConnections", d.activeConnections()).append(',');
                field(b, "inactiveConnections", d.inactiveConnections()).append('}');
            }
            b.append("]}");
        }
        b.append("],");
        name(b, "transitions").append('[');
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            b.append(i == 0 ? "{" : ",{");
            field(b, "router", t.router()).append(',');
            field(b, "vrid", t.vrid()).append(',');
            field(b, "from", t.from()).append(',');
            field(b, "to", t.to()).append(',');
            field(b, "cause", t.cause()).append(',');
            field(b, "peer", t.peer()).append(',');
            field(b, "at", t.at().toString()).append('}');
        }
        b.append("],");
        name(b, "counters").append('{');
        boolean first = true;
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(counters).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            field(b, e.getKey(), e.getValue());
        }
        b.append("},");
        field(b, "lastError", lastError);
        return b.append('}').toString();
    }

    private static StringBuilder name(StringBuilder b, String name) {
        Json.writeString(b, name);
        return b.append(':');
    }

    private static StringBuilder field(StringBuilder b, String name, Object value) {
        name(b, name);
        if (value == null) {
            b.append("null");
        } else {
            Json.writeScalar(b, value);
        }
        return b;
    }
}
