package io.selfbalance.ops;

import java.util.Map;
import java.util.TreeMap;

/**
 * One virtual router's counters and state at scrape time, read from the router's published status snapshot.
 * Counters count since the router started and never go down.
 *
 * @param router configured name
 * @param vrid 1..255
 * @param state current state
 * @param priority the priority advertised now (0 = withdrawn)
 * @param advertisementsReceived valid advertisements received for this VRID
 * @param advertisementsSent advertisements sent
 * @param sendErrors failed sends
 * @param dropsByReason received packets dropped, by the VRRP engine's reason name (e.g. {@code TTL}, {@code CHECKSUM})
 */
public record RouterMetricsView(String router, int vrid, RouterState state, int priority, long advertisementsReceived,
                                long advertisementsSent, long sendErrors, Map<String, Long> dropsByReason) {
    public RouterMetricsView {
        Checks.name("router", router);
        Checks.range("vrid", vrid, 1, 255);
        Checks.present("state", state);
        Checks.range("priority", priority, 0, 255);
        Checks.nonNegative("advertisementsReceived", advertisementsReceived);
        Checks.nonNegative("advertisementsSent", advertisementsSent);
        Checks.nonNegative("sendErrors", sendErrors);
        Checks.present("dropsByReason", dropsByReason);
        dropsByReason.forEach((reason, count) -> {
            Checks.name("dropsByReason key", reason);
            Checks.nonNegative("dropsByReason[" + reason + "]", Checks.present("dropsByReason[" + reason + "]", count));
        });
        // Immutable copy; sortedDrops() gives the stable order the exposition uses.
        dropsByReason = Map.copyOf(dropsByReason);
    }

    /** The drops in reason order. */
    public TreeMap<String, Long> sortedDrops() {
        return new TreeMap<>(dropsByReason);
    }
}
