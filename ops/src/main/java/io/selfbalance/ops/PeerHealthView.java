package io.selfbalance.ops;

/**
 * One node's health and weight as this node sees them at scrape time (on the master: from its probes).
 *
 * @param node configured name
 * @param address its address
 * @param self whether it is this node
 * @param health after rise/fall
 * @param weight the IPVS weight it gets now, 0..65535
 * @param configuredWeight its configured weight, 0..65535
 */
public record PeerHealthView(String node, String address, boolean self, HealthState health, int weight,
                             int configuredWeight) {
    public PeerHealthView {
        Checks.name("node", node);
        Checks.name("address", address);
        Checks.present("health", health);
        Checks.range("weight", weight, 0, 65535);
        Checks.range("configuredWeight", configuredWeight, 0, 65535);
    }
}
