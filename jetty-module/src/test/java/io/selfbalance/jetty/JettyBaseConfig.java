package io.selfbalance.jetty;

import java.util.List;

/** Configurations shared by the unit and integration tests. */
final class JettyBaseConfig {

    /** Valid and harmless: the loopback interface, no network changes in this phase. */
    static final List<String> VALID = List.of(
        "selfbalance.interface=lo",
        "selfbalance.address=127.0.0.1",
        "selfbalance.routers.main.vrid=51",
        "selfbalance.routers.main.vips=192.168.77.254/24",
        "selfbalance.nodes.n1.address=127.0.0.1");

    private JettyBaseConfig() {
    }
}
