package io.selfbalance.jetty;

import static io.selfbalance.jetty.OpenDataJson.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.selfbalance.health.Json;
import io.selfbalance.jetty.cluster.StatusSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.SimpleType;
import org.junit.jupiter.api.Test;

class StatusOpenDataTest {

    /** A master's snapshot with every kind of value the JSON has: nested lists, nulls, times, counters. */
    private static final StatusSnapshot MASTER = new StatusSnapshot("n1", "192.168.77.11", "eth0", StatusSnapshot.State.ACTIVE, null,
        Instant.parse("2026-11-26T02:00:00.123Z"),
        List.of(new StatusSnapshot.Router("main", 51, "MASTER", true, 150, 150, "192.168.77.11", 150, "MASTER_DOWN_TIMEOUT",
                "readiness UP", List.of(new StatusSnapshot.Vip("192.168.77.254/24", "interface", 28),
                    new StatusSnapshot.Vip("fd77::254/64", "interface", 29)), 4_000_000_000L, 0, 17),
            new StatusSnapshot.Router("second", 52, "BACKUP", false, 100, 100, "192.168.77.12", 200, "HIGHER_PRIORITY",
                "readiness UP", List.of(new StatusSnapshot.Vip("192.168.77.253/24", "lo", 0)), 0, 12, 0)),
        List.of(new StatusSnapshot.Node("n1", "192.168.77.11", true, "UP", 1, 1, "UP: HTTP 200", "UP", 3),
            new StatusSnapshot.Node("n2", "192.168.77.12", false, "UNKNOWN", 0, 2, "no probe yet", null, -1)),
        List.of(new StatusSnapshot.Service("TCP 192.168.77.254:8080", "wrr",
            List.of(new StatusSnapshot.Destination("192.168.77.11:8080", 1, 2, 40),
                new StatusSnapshot.Destination("192.168.77.12:8080", 0, 0, 0)))),
        List.of(new StatusSnapshot.Transition("main", 51, "INITIALIZE", "BACKUP", "STARTUP", null, Instant.parse("2026-11-26T01:59:57Z")),
            new StatusSnapshot.Transition("main", 51, "BACKUP", "MASTER", "MASTER_DOWN_TIMEOUT", "192.168.77.12",
                Instant.parse("2026-11-26T01:59:59.5Z"))),
        Map.of("roleSwitches", 1L, "ipvsOperations", 5L), null);

    @Test
    void everyRecordOfTheSnapshotHasTheStatusJsonsFieldsAndValues() {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(MASTER.toJson());
        assertSameValues(json.get("routers"), StatusOpenData.composites(MASTER.routers()), "routers");
        assertSameValues(json.get("nodes"), StatusOpenData.composites(MASTER.nodes()), "nodes");
        assertSameValues(json.get("ipvs"), StatusOpenData.composites(MASTER.ipvs()), "ipvs");
        assertSameValues(json.get("transitions"), StatusOpenData.composites(MASTER.transitions()), "transitions");
        assertSameValues(json.get("counters"), StatusOpenData.numbers("Counters", MASTER.counters()), "counters");
    }

    @Test
    void openTypesAreStandardSoClientsNeedNoSelfbalanceClasses() throws Exception {
        CompositeData router = StatusOpenData.composite(MASTER.routers().get(0));
        assertEquals("Router", router.getCompositeType().getTypeName());
        assertEquals(SimpleType.INTEGER, router.getCompositeType().getType("vrid"));
        assertEquals(SimpleType.LONG, router.getCompositeType().getType("advertisementsSent"));
        assertEquals(SimpleType.BOOLEAN, router.getCompositeType().getType("handingOver"));
        ArrayType<?> vips = (ArrayType<?>) router.getCompositeType().getType("vips");
        assertEquals("Vip", vips.getElementOpenType().getTypeName());
        CompositeData transition = StatusOpenData.composite(MASTER.transitions().get(1));
        assertEquals(SimpleType.STRING, transition.getCompositeType().getType("at"));
        assertEquals("2026-11-26T01:59:59.500Z", transition.get("at"));
        // the same shape whatever the values: an empty list is an empty array, no counters is no composite
        assertEquals(0, StatusOpenData.composites(List.<StatusSnapshot.Service>of()).length);
        assertNull(StatusOpenData.numbers("Counters", Map.of()));
    }
}
