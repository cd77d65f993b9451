package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({
            "100ms, 100000000",
            "1s, 1000000000",
            "1.5s, 1500000000",
            "0.01s, 10000000",
            "2m, 120000000000",
            "1h, 3600000000000",
            "0s, 0",
            "0ms, 0",
            "' 250 ms ', 250000000",
            "PT1.5S, 1500000000",
            "pt2m, 120000000000",
            "PT0.01S, 10000000",
    })
    void acceptsUnitsAndIso8601(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), new DurationConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1x", "s", "-1s", "1.5", "1sec", "PT-1S", "P", "1 s s", "0.0000000001ms", "1d"})
    void rejectsEverythingElseNamingTheAllowedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationConverter.parse(text));
        assertEquals("not a duration; use a number with unit ms, s, m or h (e.g. 100ms, 1s, 2m, 1h) or ISO-8601 (e.g. PT1.5S)",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "10000000, 10ms", "1000000000, 1s", "1500000000, 1.5s", "120000000000, 2m", "3600000000000, 1h",
            "40950000000, 40.95s"})
    void formatsInAParsableShortForm(long nanos, String expected) {
        assertEquals(expected, DurationConverter.format(Duration.ofNanos(nanos)));
        assertEquals(Duration.ofNanos(nanos), DurationConverter.parse(expected));
    }
}
