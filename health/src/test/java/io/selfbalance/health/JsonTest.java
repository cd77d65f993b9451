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
    void readerRejectsMalformedInputNamingTheOffset() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "\"x", "tru", "{} x", "<html>", "{\"a\":1,}",
                "\"\u0001\"", "1.", "-", "[" .repeat(100) + "]".repeat(100)}) {
            Json.JsonParseException e = assertThrows(Json.JsonParseException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
    }
}
