package io.selfbalance.fuzz;

import static io.selfbalance.fuzz.Invariant.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.selfbalance.health.CheckResult;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.Json;
import io.selfbalance.health.policy.HealthObservation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The peer probe's body parser: {@link HealthReport#fromJson} on a peer's HTTP body (decoded as UTF-8, as
 * {@code PeerProber} does), and the small JSON reader under it ({@link Json#parse}).
 *
 * <p>Invariants: {@code fromJson} throws nothing but {@link IllegalArgumentException} (what the probe catches), and
 * reading the requested weight ({@link HealthObservation#requestedWeight}) from what it returns throws nothing;
 * {@code Json.parse} throws nothing but its documented {@link Json.JsonParseException} (whose message names the
 * offset); a parsed report whose data values are scalars writes back ({@link HealthReport#toJson}) to a body that
 * parses to an equal report.
 */
class HealthJsonFuzzTest {

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void peerHealthBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        HealthReport report;
        try {
            report = HealthReport.fromJson(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        check(report.undeterminedReason().isEmpty(), () -> "a parsed body is undetermined: " + report);
        // what the master does with a peer's body next: read the weight the application asks for
        HealthObservation.requestedWeight(report);
        if (report.checks().stream().allMatch(HealthJsonFuzzTest::scalarData)) {
            String written = report.toJson();
            HealthReport again = HealthReport.fromJson(written);
            check(again.equals(report), () -> "report " + report + " written as " + written + " parses as " + again);
        }
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void json(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            Json.parse(text);
        } catch (Json.JsonParseException expected) {
            check(expected.getMessage().startsWith("invalid JSON at offset "),
                    () -> "parse error without offset: " + expected.getMessage());
        }
    }

    private static boolean scalarData(CheckResult c) {
        return c.data().values().stream()
                .allMatch(v -> v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof BigDecimal);
    }
}
