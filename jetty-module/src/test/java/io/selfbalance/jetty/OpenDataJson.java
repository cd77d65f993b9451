package io.selfbalance.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.management.openmbean.CompositeData;

/** Compares a parsed status JSON value with the JMX open data that claims to show the same values. */
final class OpenDataJson {

    private OpenDataJson() {
    }

    /**
     * {@code json} (from {@link io.selfbalance.health.Json#parse}) and {@code open} hold the same values: objects and
     * composites have the same field names and equal values, arrays the same length and elements, numbers the same
     * value whatever their width.
     */
    static void assertSameValues(Object json, Object open, String where) {
        if (json == null) {
            assertNull(open, where);
        } else if (json instanceof Map<?, ?> object) {
            assertTrue(open instanceof CompositeData, where + ": expected composite data, got " + open);
            CompositeData composite = (CompositeData) open;
            assertEquals(new TreeSet<>(object.keySet()), new TreeSet<>(composite.getCompositeType().keySet()), where + ": field names");
            for (Map.Entry<?, ?> field : object.entrySet()) {
                assertSameValues(field.getValue(), composite.get((String) field.getKey()), where + "." + field.getKey());
            }
        } else if (json instanceof List<?> array) {
            assertNotNull(open, where);
            assertTrue(open instanceof Object[], where + ": expected an array, got " + open);
            Object[] elements = (Object[]) open;
            assertEquals(array.size(), elements.length, where + ": length");
            for (int i = 0; i < elements.length; i++) {
                assertSameValues(array.get(i), elements[i], where + "[" + i + "]");
            }
        } else if (json instanceof Number number) {
            assertTrue(open instanceof Number, where + ": expected a number, got " + open);
            assertEquals(number.longValue(), ((Number) open).longValue(), where);
        } else {
            assertEquals(json, open, where);
        }
    }
}
