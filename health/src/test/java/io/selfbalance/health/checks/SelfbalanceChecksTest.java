package io.selfbalance.health.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthSchema;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.HealthSettings;

class SelfbalanceChecksTest {

    private final HealthRegistry registry = new HealthRegistry();
    private final HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults());

    @AfterEach
    void close() {
        evaluator.close();
    }

    private JsonNode ready() throws Exception {
        HealthReport r = evaluator.evaluate(HealthKind.READINESS);
        JsonNode json = HealthSchema.assertValid(r.toJson());
        assertEquals(r.httpStatus() == 200 ? "UP" : "DOWN", json.get("status").asText());
        return json;
    }

    @Test
    void vrrpCheckFollowsTheRoleAndShowsItsData() throws Exception {
        AtomicReference<VrrpStatus> published = new AtomicReference<>();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, new VrrpHealthCheck(published::get));
        registry.applicationsDeployed();
        JsonNode none = ready().get("checks").get(0);
        assertEquals("DOWN", none.get("status").asText());
        assertEquals("UNKNOWN", none.get("data").get("vrrp.state").asText());

        published.set(new VrrpStatus(51, VrrpStatus.Role.MASTER, 150, "192.168.77.11"));
        JsonNode master = ready().get("checks").get(0);
        assertEquals("selfbalance-vrrp", master.get("name").asText());
        assertEquals("UP", master.get("status").asText());
        assertEquals("MASTER", master.get("data").get("vrrp.state").asText());
        assertEquals(150, master.get("data").get("vrrp.priority").asInt());
        assertTrue(master.get("data").get("vrrp.priority").isNumber());
        assertEquals("192.168.77.11", master.get("data").get("vrrp.master").asText());
        assertEquals(51, master.get("data").get("vrrp.vrid").asInt());

        published.set(new VrrpStatus(51, VrrpStatus.Role.BACKUP, 100, null));
        JsonNode backup = ready().get("checks").get(0);
        assertEquals("UP", backup.get("status").asText());
        assertFalse(backup.get("data").has("vrrp.master"));

        for (VrrpStatus.Role bad : new VrrpStatus.Role[] {VrrpStatus.Role.INITIALIZE, VrrpStatus.Role.FAULT}) {
            published.set(new VrrpStatus(51, bad, 100, null));
            assertEquals("DOWN", ready().get("checks").get(0).get("status").asText(), bad.name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VrrpStatus(0, VrrpStatus.Role.BACKUP, 100, null));
        assertEquals("vrid: 0 is not allowed; use 1..255", e.getMessage());
    }

    @Test
    void dataPlaneCheckNeedsTableInSyncAndVipInPlace() throws Exception {
        AtomicReference<DataPlaneStatus> published = new AtomicReference<>(
                new DataPlaneStatus(true, 0, "192.168.77.100", "eth0", List.of("eth0")));
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, new DataPlaneHealthCheck(published::get));
        registry.applicationsDeployed();
        JsonNode ok = ready().get("checks").get(0);
        assertEquals("UP", ok.get("status").asText());
        assertEquals("eth0", ok.get("data").get("vip.foundOn").asText());
        assertTrue(ok.get("data").get("ipvs.inSync").asBoolean());

        published.set(new DataPlaneStatus(false, 2, "192.168.77.100", "eth0", List.of("eth0")));
        JsonNode outOfSync = ready().get("checks").get(0);
        assertEquals("DOWN", outOfSync.get("status").asText());
        assertEquals(2, outOfSync.get("data").get("ipvs.differences").asInt());

        published.set(new DataPlaneStatus(true, 0, "192.168.77.100", "lo", List.of()));
        assertEquals("DOWN", ready().get("checks").get(0).get("status").asText(), "VIP missing from lo");
        published.set(new DataPlaneStatus(true, 0, "192.168.77.100", "lo", List.of("lo", "eth0")));
        JsonNode twice = ready().get("checks").get(0);
        assertEquals("DOWN", twice.get("status").asText(), "VIP on lo and on eth0");
        assertEquals("lo,eth0", twice.get("data").get("vip.foundOn").asText());
        published.set(null);
        assertEquals("DOWN", ready().get("checks").get(0).get("status").asText());
    }

    @Test
    void readinessIsDownWhileDraining() throws Exception {
        DrainState drain = new DrainState();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.applicationsDeployed();
        assertEquals(Status.UP, evaluator.evaluate(HealthKind.READINESS).status());
        drain.startDraining("shutdown requested");
        assertTrue(drain.isDraining());
        JsonNode json = ready();
        assertEquals("DOWN", json.get("status").asText());
        JsonNode data = json.get("checks").get(0).get("data");
        assertEquals("shutdown requested", data.get("reason").asText());
        assertEquals(0, data.get("selfbalance.weight").asInt());
        assertEquals(Status.UP, evaluator.evaluate(HealthKind.LIVENESS).status(), "draining does not touch liveness");
        drain.stopDraining();
        assertEquals(Status.UP, evaluator.evaluate(HealthKind.READINESS).status());
    }
}
