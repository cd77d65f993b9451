package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The JSON schema shipped inside the MicroProfile Health 4.0.1 TCK jar, at the jar's root. */
public final class HealthSchema {
    static final String RESOURCE = "health-check-schema.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private HealthSchema() {
    }

    private static JsonSchema load() {
        try (InputStream in = HealthSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " not on the test class path (microprofile-health-tck jar)");
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    public static Set<ValidationMessage> errors(String json) {
        try {
            return SCHEMA.validate(MAPPER.readTree(json));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Asserts the body validates and returns it parsed by Jackson (an independent JSON reader). */
    public static JsonNode assertValid(String json) {
        Set<ValidationMessage> errors = errors(json);
        assertTrue(errors.isEmpty(), () -> "schema violations " + errors + " in " + json);
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
