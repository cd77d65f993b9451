package io.selfbalance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writerEscapesSoThatJacksonReadsTheSameString() throws Exception {
        String nasty = "q\"b\\s/\n\r\t\b\f\u0001\u2028é€😀";
        StringBuilder out = new StringBuilder();
        Json.writeString(out, nasty);
        assertEquals(nasty, new ObjectMapper().readValue(out.toString(), String.class));
        assertEquals(nasty, Json.parse(out));
    }

    @Test
    void scalarsAreWrittenAsSchemaTypes() {
        StringBuilder out = new StringBuilder();
        Json.writeScalar(out, 5L);
        out.append(' ');
        Json.writeScalar(out, true);
        out.append(' ');
        Json.writeScalar(out, Double.NaN);
        out.append(' ');
        Json.writeScalar(out, 1.5);
        out.append(' ');
        Json.writeScalar(out, List.of(1));
        assertEquals("5 true \"NaN\" 1.5 \"[1]\"", out.toString());
    }

    @Test
    void readerParsesTheWireFormat() {
        Object v = Json.parse(" {\"status\":\"UP\",\"checks\":[{\"name\":\"a\",\"data\":{\"n\":-12,\"d\":2.5e3,\"b\":false,\"z\":null,\"u\":\"\\u00e9\"}}]} ");
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) v;
        assertEquals("UP", root.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) ((List<?>) root.get("checks")).get(0)).get("data");
        assertEquals(-12L, data.get("n"));
        assertEquals(new BigDecimal("2.5e3"), data.get("d"));
        assertEquals(false, data.get("b"));
        assertTrue(data.containsKey("z"));
        assertEquals("é", data.get("u"));
    }

    @Test
    void randomReportsAreSchemaValidAndRoundTrip() throws Exception {
        java.util.Random random = new java.util.Random(20261125);
        ObjectMapper jackson = new ObjectMapper();
        for (int n = 0; n < 500; n++) {
            List<CheckResult> checks = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                Map<String, Object> data = new java.util.LinkedHashMap<>();
                for (int k = random.nextInt(4); k > 0; k--) {
                    Object v = switch (random.nextInt(4)) {
                        case 0 -> randomString(random);
                        case 1 -> random.nextBoolean();
                        case 2 -> random.nextLong();
                        default -> new BigDecimal(random.nextGaussian() * 1e6).setScale(1 + random.nextInt(4), java.math.RoundingMode.HALF_UP); // scale 0 would read back as a Long
                    };
                    data.put(randomString(random), v);
                }
                checks.add(new CheckResult(randomString(random) + "x",
                        random.nextBoolean() ? org.eclipse.microprofile.health.HealthCheckResponse.Status.UP
                                : org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN, data));
            }
            HealthReport report = new HealthReport(checks.stream().allMatch(CheckResult::isUp)
                    ? org.eclipse.microprofile.health.HealthCheckResponse.Status.UP
                    : org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN, checks, java.util.Optional.empty());
            String json = report.toJson();
            HealthSchema.assertValid(json);
            assertEquals(jackson.readTree(json), jackson.readTree(jackson.writeValueAsString(jackson.readTree(json))));
            assertEquals(report, HealthReport.fromJson(json), json);
        }
    }

    private static String randomString(java.util.Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            int kind = random.nextInt(4);
            b.append(kind == 0 ? (char) random.nextInt(0x20) : kind == 1 ? (char) (0x20 + random.nextInt(0x60))
                    : kind == 2 ? "\"\\/".charAt(random.nextInt(3)) : (char) (0xa0 + random.nextInt(0xd700)));
        }
        return b.toString();
    }

    @Test
    void readerRejectsMalformedInputNamingTheOffset() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "\"x", "tru", "{} x", "<html>", "{\"a\":1,}",
                "\"\u0001\"", "1.", "-", "1\u0663", "\u0663", "\"\\u00\uff41\uff41\"", "1e\u0663", "[" .repeat(100) + "]".repeat(100)}) {
            Json.JsonParseException e = assertThrows(Json.JsonParseException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
    }

    /** Found by the fuzz module (HealthJsonFuzzTest): BigDecimal's NumberFormatException escaped. */
    @Test
    void exponentsBeyondBigDecimalAreParseErrorsAtTheNumber() {
        String[][] cases = {
                {"1e2147483648", "0"}, // Exponent overflow
                {"145e-3567897890}", "0"}, // Too many nonzero exponent digits
                {"[1,2,4E+1555555555551,2,", "5"},
                {"{\"status\":\"UP\",\"checks\":[],\"w\":0.5e-2147483648}", "31"}, // scale out of range
        };
        for (String[] c : cases) {
            Json.JsonParseException e = assertThrows(Json.JsonParseException.class, () -> Json.parse(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset " + c[1] + ": number exponent out of range"),
                    e.getMessage());
        }
        // the largest exponents BigDecimal holds still parse: a huge body is a number, not a crash
        assertEquals(new BigDecimal("1e2147483647"), Json.parse("1e2147483647"));
        assertEquals(new BigDecimal("1e-2147483647"), Json.parse("1e-2147483647"));
    }
}
