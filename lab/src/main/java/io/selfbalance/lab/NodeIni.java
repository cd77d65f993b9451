package io.selfbalance.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines the lab appends to each node's {@code start.d/selfbalance.ini}, after the commented template
 * that {@code --add-modules} wrote (keys: README, "Configuration reference"). Every node lists every node;
 * only the priority differs, so the node with the highest priority starts as master.
 */
final class NodeIni {

    /** The lab's one virtual router. */
    static final String ROUTER = "main";

    private NodeIni() {}

    static List<String> lines(LabSettings s, int i) {
        List<String> l = new ArrayList<>();
        String r = "selfbalance.routers." + ROUTER + ".";
        l.add("selfbalance.interface=eth0");
        l.add("selfbalance.vip-lifetime=" + s.vipLifetimeMs() + "ms");
        l.add("selfbalance.drain-time=" + s.drainMs() + "ms");
        l.add(r + "vrid=" + s.vrid());
        l.add(r + "vips=" + s.vip() + "/24");
        l.add(r + "priority=" + s.priorities().get(i));
        l.add(r + "advert-interval=" + s.advertMs() + "ms");
        // a restarted node takes mastership back only once its own probes have judged every node (rise results):
        // preempting earlier would give it an IPVS table with every weight still 0
        l.add(r + "preempt-delay=" + s.probeIntervalMs() * (s.probeRise() + 3L) + "ms");
        for (int n = 0; n < s.nodes(); n++) {
            l.add("selfbalance.nodes." + s.name(n) + ".address=" + s.address(n));
            l.add("selfbalance.nodes." + s.name(n) + ".weight=" + s.weights().get(n));
        }
        l.add("selfbalance.health.probe-interval=" + s.probeIntervalMs() + "ms");
        // generous: three JVMs share user-mode-linux's one CPU, and a probe lost to a pause takes a weight away
        l.add("selfbalance.health.probe-timeout=" + s.probeTimeoutMs() + "ms");
        l.add("selfbalance.health.fall=" + s.probeFall());
        l.add("selfbalance.health.rise=" + s.probeRise());
        l.add("selfbalance.health.local-interval=" + s.probeIntervalMs() + "ms");
        l.add("selfbalance.connection-sync=" + s.connectionSync());
        return l;
    }
}
