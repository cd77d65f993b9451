package io.selfbalance.demo;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.spi.HealthCheckResponseProvider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Test-only response builder: in a real server the Selfbalance health module provides one. */
final class SimpleResponseProvider implements HealthCheckResponseProvider {

    static void install() {
        HealthCheckResponse.setResponseProvider(new SimpleResponseProvider());
    }

    @Override
    public HealthCheckResponseBuilder createResponseBuilder() {
        return new HealthCheckResponseBuilder() {
            private String name;
            private HealthCheckResponse.Status status = HealthCheckResponse.Status.DOWN;
            private final Map<String, Object> data = new LinkedHashMap<>();

            @Override public HealthCheckResponseBuilder name(String value) { name = value; return this; }
            @Override public HealthCheckResponseBuilder withData(String key, String value) { data.put(key, value); return this; }
            @Override public HealthCheckResponseBuilder withData(String key, long value) { data.put(key, value); return this; }
            @Override public HealthCheckResponseBuilder withData(String key, boolean value) { data.put(key, value); return this; }
            @Override public HealthCheckResponseBuilder up() { status = HealthCheckResponse.Status.UP; return this; }
            @Override public HealthCheckResponseBuilder down() { status = HealthCheckResponse.Status.DOWN; return this; }
            @Override public HealthCheckResponseBuilder status(boolean up) { return up ? up() : down(); }
            @Override public HealthCheckResponse build() {
                return new HealthCheckResponse(name, status, data.isEmpty() ? Optional.empty() : Optional.of(Map.copyOf(data)));
            }
        };
    }
}
