package io.selfbalance.jetty;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.selfbalance.health.HealthKind;

/**
 * An immutable snapshot of what Selfbalance is doing, published by the control plane and read by any thread
 * (status endpoint, JMX, tests) without locks. Later phases add the VRRP routers, VIP placement, peers and
 * transitions as further components.
 *
 * @param phase where the bean is in its life cycle
 * @param since when this snapshot was published
 * @param registeredChecks how many checks of each kind are registered now
 * @param webappsWithChecks the registry owners (webapps) that contributed checks
 */
public record SelfbalanceStatus(Phase phase, Instant since, Map<HealthKind, Integer> registeredChecks,
                                List<String> webappsWithChecks) {

    /** The bean's life cycle as status reports it. */
    public enum Phase {
        /** Configured and validated, not started. */
        CONFIGURED,
        /** Started; Jetty may still be deploying webapps. */
        STARTED,
        /** Jetty has started and deployed its webapps: readiness and startup no longer report the empty default. */
        SERVING,
        /** Stopped. */
        STOPPED
    }

    public SelfbalanceStatus {
        registeredChecks = Map.copyOf(registeredChecks);
        webappsWithChecks = List.copyOf(webappsWithChecks);
    }
}
