package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.eclipse.microprofile.health.tck.deployment.CDIProducedProcedureCheck;
import org.eclipse.microprofile.health.tck.deployment.CheckWithAttributes;
import org.eclipse.microprofile.health.tck.deployment.CheckWithoutQualifier;
import org.eclipse.microprofile.health.tck.deployment.DelegateHealth;
import org.eclipse.microprofile.health.tck.deployment.DelegationTarget;
import org.eclipse.microprofile.health.tck.deployment.FailedLiveness;
import org.eclipse.microprofile.health.tck.deployment.FailedReadiness;
import org.eclipse.microprofile.health.tck.deployment.FailedStartup;
import org.eclipse.microprofile.health.tck.deployment.SuccessfulLiveness;
import org.eclipse.microprofile.health.tck.deployment.SuccessfulReadiness;
import org.eclipse.microprofile.health.tck.deployment.SuccessfulStartup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The MicroProfile Health 4.0.1 TCK's status-code and payload rules (org.eclipse.microprofile.health.tck.*Test),
 * ported to JUnit against the evaluator and renderer. The checks are the TCK's own deployment classes from the TCK
 * jar, registered by their annotations as a container without CDI would. Every body is validated against the TCK's
 * {@code health-check-schema.json}.
 */
class TckConformanceTest {

    private final HealthRegistry registry = new HealthRegistry();
    private HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults());

    @AfterEach
    void close() {
        evaluator.close();
    }

    /** What {@code GET /health[/segment]} answers, as the Jetty context will serve it. */
    record Answer(int status, JsonNode json) {
    }

    private Answer get(String path) {
        HealthReport report;
        if (path.equals("/health")) {
            report = evaluator.evaluateAll();
        } else {
            report = evaluator.evaluate(HealthKind.fromPathSegment(path.substring("/health/".length())));
        }
        return new Answer(report.httpStatus(), HealthSchema.assertValid(report.toJson()));
    }

    private void deploy(HealthCheck... checks) {
        for (HealthCheck c : checks) {
            registry.registerAnnotated("tck.war", c);
        }
        registry.applicationsDeployed();
    }

    private static Map<String, String> statusByName(JsonNode json) {
        Map<String, String> m = new HashMap<>();
        for (JsonNode c : json.get("checks")) {
            m.merge(c.get("name").asText(), c.get("status").asText(), (a, b) -> a.equals(b) ? a : "MIXED");
        }
        return m;
    }

    private static void assertSingle(Answer a, int httpStatus, String name, String status) {
        assertEquals(httpStatus, a.status(), a.json().toString());
        assertEquals(1, a.json().get("checks").size(), "Expected a single check response");
        assertEquals(name, a.json().get("checks").get(0).get("name").asText());
        assertEquals(status, a.json().get("checks").get(0).get("status").asText());
        assertEquals(status, a.json().get("status").asText());
    }

    @Test
    void singleLivenessSuccessful() {
        deploy(new SuccessfulLiveness());
        assertSingle(get("/health/live"), 200, "successful-check", "UP");
    }

    @Test
    void singleLivenessFailed() {
        deploy(new FailedLiveness());
        assertSingle(get("/health/live"), 503, "failed-check", "DOWN");
    }

    @Test
    void singleReadinessSuccessful() {
        deploy(new SuccessfulReadiness());
        assertSingle(get("/health/ready"), 200, "successful-check", "UP");
    }

    @Test
    void singleReadinessFailed() {
        deploy(new FailedReadiness());
        assertSingle(get("/health/ready"), 503, "failed-check", "DOWN");
    }

    @Test
    void singleStartupSuccessful() {
        deploy(new SuccessfulStartup());
        assertSingle(get("/health/started"), 200, "successful-check", "UP");
    }

    @Test
    void singleStartupFailed() {
        deploy(new FailedStartup());
        assertSingle(get("/health/started"), 503, "failed-check", "DOWN");
    }

    @Test
    void multipleLivenessFailed() {
        deploy(new FailedLiveness(), new SuccessfulLiveness(), new SuccessfulReadiness());
        Answer live = get("/health/live");
        assertEquals(503, live.status());
        assertEquals(2, live.json().get("checks").size());
        assertEquals(Map.of("successful-check", "UP", "failed-check", "DOWN"), statusByName(live.json()));
        assertEquals("DOWN", live.json().get("status").asText());
        assertSingle(get("/health/ready"), 200, "successful-check", "UP");
    }

    @Test
    void multipleReadinessFailed() {
        deploy(new SuccessfulLiveness(), new FailedReadiness(), new SuccessfulReadiness());
        Answer ready = get("/health/ready");
        assertEquals(503, ready.status());
        assertEquals(2, ready.json().get("checks").size());
        assertEquals(Map.of("successful-check", "UP", "failed-check", "DOWN"), statusByName(ready.json()));
        assertSingle(get("/health/live"), 200, "successful-check", "UP");
    }

    @Test
    void multipleStartupFailed() {
        deploy(new SuccessfulLiveness(), new SuccessfulReadiness(), new FailedStartup());
        assertSingle(get("/health/started"), 503, "failed-check", "DOWN");
        assertSingle(get("/health/live"), 200, "successful-check", "UP");
        assertSingle(get("/health/ready"), 200, "successful-check", "UP");
        Answer all = get("/health");
        assertEquals(503, all.status());
        assertEquals(3, all.json().get("checks").size());
        assertEquals("DOWN", all.json().get("status").asText());
    }

    @Test
    void multipleProceduresFailed() {
        deploy(new SuccessfulLiveness(), new SuccessfulReadiness(), new FailedReadiness());
        Answer all = get("/health");
        assertEquals(503, all.status());
        assertEquals(3, all.json().get("checks").size());
        for (JsonNode c : all.json().get("checks")) {
            switch (c.get("name").asText()) {
                case "successful-check" -> assertEquals("UP", c.get("status").asText());
                case "failed-check" -> assertEquals("DOWN", c.get("status").asText());
                default -> fail("Unexpected response payload structure " + c);
            }
        }
        assertEquals("DOWN", all.json().get("status").asText());
    }

    @Test
    void onlySuccessfulProcedures() {
        deploy(new SuccessfulLiveness(), new SuccessfulReadiness(), new SuccessfulStartup());
        Answer all = get("/health");
        assertEquals(200, all.status());
        assertEquals(3, all.json().get("checks").size());
        assertEquals(Map.of("successful-check", "UP"), statusByName(all.json()));
        assertEquals("UP", all.json().get("status").asText());
    }

    @Test
    void noProcedureIsUpWithEmptyChecks() {
        deploy();
        for (String path : new String[] {"/health", "/health/live", "/health/ready", "/health/started"}) {
            Answer a = get(path);
            assertEquals(200, a.status(), path);
            assertEquals("UP", a.json().get("status").asText(), path);
            assertTrue(a.json().get("checks").isEmpty(), path);
        }
    }

    @Test
    void checkWithoutQualifierIsNotDiscovered() {
        deploy(new CheckWithoutQualifier());
        assertTrue(registry.registrations().isEmpty());
        Answer all = get("/health");
        assertEquals(200, all.status());
        assertTrue(all.json().get("checks").isEmpty());
    }

    @Test
    void attributesAreRenderedAsData() {
        deploy(new CheckWithAttributes());
        Answer all = get("/health");
        assertSingle(all, 200, "attributes-check", "UP");
        JsonNode data = all.json().get("checks").get(0).get("data");
        assertEquals("first-val", data.get("first-key").asText());
        assertEquals("second-val", data.get("second-key").asText());
    }

    @Test
    void checkJsonBindsToHealthCheckResponse() throws Exception {
        // HealthCheckResponseValidationTest: a check object of the body reads back as the API's HealthCheckResponse.
        deploy(new SuccessfulLiveness());
        JsonNode check = get("/health").json().get("checks").get(0);
        org.eclipse.microprofile.health.HealthCheckResponse hcr = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(check.toString(), org.eclipse.microprofile.health.HealthCheckResponse.class);
        assertEquals("successful-check", hcr.getName());
        assertEquals(Status.UP, hcr.getStatus());
    }

    @Test
    void checkWithoutDataHasNoDataMember() {
        deploy(new SuccessfulLiveness());
        assertFalse(get("/health").json().get("checks").get(0).has("data"));
    }

    @Test
    void producedChecksOfEachKind() throws Exception {
        // CDIProducedProceduresTest: one producer class, three procedures of different kinds.
        CDIProducedProcedureCheck producer = new CDIProducedProcedureCheck();
        registry.register("tck.war", HealthKind.STARTUP, (HealthCheck) invoke(producer, "cdiProducedStartupCheck"));
        registry.register("tck.war", HealthKind.LIVENESS, (HealthCheck) invoke(producer, "cdiProducedLivenessCheck"));
        registry.register("tck.war", HealthKind.READINESS, (HealthCheck) invoke(producer, "cdiProducedReadinessCheck"));
        registry.applicationsDeployed();
        assertSingle(get("/health/live"), 200, "cdi-produced-successful-check", "UP");
        assertSingle(get("/health/ready"), 503, "cdi-produced-failed-check", "DOWN");
        assertSingle(get("/health/started"), 200, "cdi-produced-successful-check", "UP");
    }

    private static Object invoke(Object target, String method) throws Exception {
        var m = target.getClass().getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    @Test
    void delegatingCheck() throws Exception {
        DelegateHealth check = new DelegateHealth();
        Field f = DelegateHealth.class.getDeclaredField("delegate");
        f.setAccessible(true);
        f.set(check, new DelegationTarget());
        deploy(check);
        assertSingle(get("/health"), 200, "delegate-check", "UP");
    }

    @Test
    void emptyReadinessWithConfigUpIsUpBeforeDeployment() {
        // ConfigTest: mp.health.default.readiness.empty.response=UP
        evaluator.close();
        evaluator = new HealthEvaluator(registry, HealthSettings.defaults().withEmptyResponses(
                HealthSettings.parseEmptyResponse(HealthSettings.EMPTY_READINESS_KEY, "UP"), Status.DOWN));
        Answer ready = get("/health/ready");
        assertEquals(200, ready.status());
        assertEquals(0, ready.json().get("checks").size());
        assertEquals("UP", ready.json().get("status").asText());
        assertEquals(503, get("/health/started").status(), "startup keeps its own default DOWN");
    }

    @Test
    void expectedButNotInstalledReadinessAndStartupAre503ButLivenessIs200() {
        // Spec "Health Check Procedures": expected but not yet installed -> readiness/startup 503, liveness 200.
        for (String path : new String[] {"/health/ready", "/health/started", "/health"}) {
            Answer a = get(path);
            assertEquals(503, a.status(), path);
            assertEquals("{\"status\":\"DOWN\",\"checks\":[]}", a.json().toString(), path);
        }
        assertEquals(200, get("/health/live").status());
        evaluator.close();
        evaluator = new HealthEvaluator(registry, HealthSettings.defaults().withEmptyResponses(Status.DOWN, Status.UP));
        assertEquals(200, get("/health/started").status(), "mp.health.default.startup.empty.response=UP");
        assertEquals(503, get("/health/ready").status());
        registry.applicationsDeployed();
        assertEquals(200, get("/health/ready").status(), "after deployment an empty readiness is UP");
    }

    @Test
    void undeterminedIs500WithSchemaValidBody() {
        deploy(new SuccessfulLiveness());
        evaluator.close();
        Answer a = get("/health/live");
        assertEquals(500, a.status());
        assertEquals("DOWN", a.json().get("status").asText());
    }

    @Test
    void schemaValidatorRejectsWhatTheSpecForbids() {
        // Proves the validator is live: these bodies break the schema.
        assertFalse(HealthSchema.errors("{\"status\":\"UP\"}").isEmpty(), "checks is required");
        assertFalse(HealthSchema.errors("{\"status\":\"UP\",\"checks\":[{\"name\":\"a\"}]}").isEmpty(), "check status required");
        assertFalse(HealthSchema.errors("{\"status\":\"UP\",\"checks\":[{\"name\":\"a\",\"status\":\"UP\",\"data\":{\"k\":{}}}]}").isEmpty(),
                "data values are scalars");
        assertFalse(HealthSchema.errors("{\"status\":\"UP\",\"checks\":[],\"x\":1}").isEmpty(), "no extra members");
    }

    @Test
    void parseEmptyResponseNamesKeyAndAllowedValues() {
        assertEquals(Status.UP, HealthSettings.parseEmptyResponse(HealthSettings.EMPTY_STARTUP_KEY, " up "));
        assertEquals(Status.DOWN, HealthSettings.parseEmptyResponse(HealthSettings.EMPTY_STARTUP_KEY, null));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HealthSettings.parseEmptyResponse(HealthSettings.EMPTY_READINESS_KEY, "yes"));
        assertEquals("mp.health.default.readiness.empty.response: 'yes' is not allowed; use UP or DOWN", e.getMessage());
    }
}
