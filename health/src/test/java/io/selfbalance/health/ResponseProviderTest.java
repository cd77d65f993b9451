package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

class ResponseProviderTest {

    @Test
    void staticFactoriesFindTheProviderThroughServiceLoader() {
        // No install(): the API must find META-INF/services/...HealthCheckResponseProvider by itself.
        HealthCheckResponse up = HealthCheckResponse.up("x");
        assertEquals("x", up.getName());
        assertEquals(Status.UP, up.getStatus());
        assertTrue(up.getData().isEmpty());
        assertEquals(Status.DOWN, HealthCheckResponse.down("y").getStatus());
    }

    @Test
    void builderKeepsDataTypesAndOrder() {
        HealthCheckResponse r = HealthCheckResponse.named("db").withData("url", "jdbc:x").withData("open", 3)
                .withData("ro", true).status(false).build();
        assertEquals(Status.DOWN, r.getStatus());
        Map<String, Object> data = r.getData().orElseThrow();
        assertEquals(List.of("url", "open", "ro"), List.copyOf(data.keySet()));
        assertEquals(3L, data.get("open"));
        assertEquals(Boolean.TRUE, data.get("ro"));
        assertThrows(UnsupportedOperationException.class, () -> data.put("z", "z"));
    }

    @Test
    void builderWithoutStatusIsDownAndWithoutNameFailsClearly() {
        assertEquals(Status.DOWN, HealthCheckResponse.named("n").build().getStatus());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HealthCheckResponse.builder().up().build());
        assertTrue(e.getMessage().contains("no name"), e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> HealthCheckResponse.named(" "));
        assertTrue(b.getMessage().contains("' '"), b.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> HealthCheckResponse.named("n").withData(null, "v"));
        assertTrue(k.getMessage().contains("key"), k.getMessage());
    }

    @Test
    void installSetsTheProviderExplicitly() {
        SelfbalanceResponseProvider.install();
        assertEquals("after-install", HealthCheckResponse.up("after-install").getName());
    }
}
