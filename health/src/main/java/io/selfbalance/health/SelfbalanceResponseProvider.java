package io.selfbalance.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.spi.HealthCheckResponseProvider;

/**
 * The MicroProfile Health {@link HealthCheckResponseProvider} of Selfbalance, so that
 * {@code HealthCheckResponse.up("x")}, {@code named(..)} and {@code builder()} work without CDI.
 *
 * <p>It is registered in {@code META-INF/services}; the API finds it through the thread context class loader
 * first, then through the API's own loader. A container whose webapps may not see this class should call
 * {@link #install()} once at start, which sets it explicitly with {@link HealthCheckResponse#setResponseProvider}.
 */
public final class SelfbalanceResponseProvider implements HealthCheckResponseProvider {

    /** Sets this provider as the API's provider, independent of class loader visibility. Idempotent. */
    public static void install() {
        HealthCheckResponse.setResponseProvider(new SelfbalanceResponseProvider());
    }

    @Override
    public HealthCheckResponseBuilder createResponseBuilder() {
        return new Builder();
    }

    /** Not thread-safe, like every builder: one check builds its own response. */
    static final class Builder extends HealthCheckResponseBuilder {
        private String name;
        private HealthCheckResponse.Status status;
        private final Map<String, Object> data = new LinkedHashMap<>();

        @Override
        public HealthCheckResponseBuilder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("health check response name must be a non-blank string, got "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            this.name = name;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, String value) {
            return put(key, value);
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, long value) {
            return put(key, value);
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, boolean value) {
            return put(key, value);
        }

        private HealthCheckResponseBuilder put(String key, Object value) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("health check data key must be a non-empty string, got "
                        + (key == null ? "null" : "''") + " (value " + value + ")");
            }
            if (value == null) {
                throw new IllegalArgumentException("health check data value for key '" + key + "' must not be null");
            }
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder up() {
            status = HealthCheckResponse.Status.UP;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder down() {
            status = HealthCheckResponse.Status.DOWN;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder status(boolean up) {
            return up ? up() : down();
        }

        @Override
        public HealthCheckResponse build() {
            if (name == null) {
                throw new IllegalStateException("health check response has no name: call name(..) or use HealthCheckResponse.named(..)");
            }
            // The spec leaves an unset status open; DOWN is the safe reading for a load balancer.
            HealthCheckResponse.Status s = status == null ? HealthCheckResponse.Status.DOWN : status;
            Optional<Map<String, Object>> d = data.isEmpty() ? Optional.empty() : Optional.of(Collections.unmodifiableMap(new LinkedHashMap<>(data)));
            return new HealthCheckResponse(name, s, d);
        }
    }
}
