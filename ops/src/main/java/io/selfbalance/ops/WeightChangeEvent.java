package io.selfbalance.ops;

import java.time.Duration;
import java.time.Instant;

/**
 * The IPVS weight the master gives a node changed.
 *
 * @param node the node's configured name
 * @param address the node's address (the IPVS destination)
 * @param from the weight before, 0..65535
 * @param to the weight now, 0..65535 (0 = kept in the table but given no new connections)
 * @param configuredWeight the node's configured weight
 * @param health the node's health after rise/fall
 * @param reason why (e.g. "3 failed probes: connection refused", "selfbalance.weight=20 requested"), never null
 * @param at when the change was decided
 * @param timeAtPreviousWeight how long the node had the previous weight, or null when unknown
 * @param probeLatency how long the probe that decided it took, or null when not decided by a probe
 */
public record WeightChangeEvent(String node, String address, int from, int to, int configuredWeight,
                                HealthState health, String reason, Instant at, Duration timeAtPreviousWeight,
                                Duration probeLatency) {
    public WeightChangeEvent {
        Checks.name("node", node);
        Checks.name("address", address);
        Checks.range("from", from, 0, 65535);
        Checks.range("to", to, 0, 65535);
        Checks.range("configuredWeight", configuredWeight, 0, 65535);
        Checks.present("health", health);
        Checks.present("reason", reason);
        Checks.present("at", at);
        Checks.optionalDuration("timeAtPreviousWeight", timeAtPreviousWeight);
        Checks.optionalDuration("probeLatency", probeLatency);
    }
}
