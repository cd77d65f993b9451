package io.selfbalance.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Bench check}: every measure option is validated on the host, the message names key, value and what is allowed. */
class BenchOptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--trials|x|--trials 'x' is not allowed; allowed: an integer 0..10000",
            "--trials|-1|--trials '-1' is not allowed; allowed: an integer 0..10000",
            "--health-trials|1001|--health-trials '1001' is not allowed; allowed: an integer 0..1000",
            "--interval-ms|0|--interval-ms '0' is not allowed; allowed: an integer 1..10000",
            "--robust-s|1e3|--robust-s '1e3' is not allowed; allowed: an integer 0..86400",
            "--footprint-s|3601|--footprint-s '3601' is not allowed; allowed: an integer 0..3600",
            "--block-minutes|ten|--block-minutes 'ten' is not allowed; allowed: an integer 0..100000",
            "--adverts|1000,105|--adverts '105' is not allowed; allowed: milliseconds 10..40950 in steps of 10 (VRRPv3 centiseconds)",
            "--faults|cut,reboot|--faults 'reboot' is not allowed; allowed: cut, kill, stop, health (comma-separated)",
            "--systems|haproxy|--systems 'haproxy' is not allowed; allowed: keepalived, selfbalance (comma-separated)",
    })
    void aBadValueIsRejectedNamingKeyValueAndWhatIsAllowed(String key, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bench.check(Bench.options(new String[] {"check", key, value})));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theDefaultsAndTheDocumentedExamplesPass() {
        assertDoesNotThrow(() -> Bench.check(Bench.options(new String[] {"check"})));
        assertDoesNotThrow(() -> Bench.check(Bench.options(new String[] {"check", "--trials", "5", "--faults", "cut,stop",
                "--adverts", "1000", "--systems", "selfbalance", "--robust-s", "600", "--deadline-epoch-s", "0"})));
        assertEquals(List.of(1000L, 100L), Bench.adverts(Map.of()));
    }

    @Test
    void aTrialStartsOnlyUnderTheNodeWithTheHighestPriority() {
        io.selfbalance.lab.LabSettings d = io.selfbalance.lab.LabSettings.uml();
        assertEquals("n1", Bench.preferredMaster(d), "priorities " + d.priorities());
        io.selfbalance.lab.LabSettings swapped = new io.selfbalance.lab.LabSettings(3, d.weights(), java.util.List.of(50, 100, 150),
                d.port(), d.vip(), d.vrid(), d.advertMs(), d.probeIntervalMs(), d.probeFall(), d.probeRise(), d.vipLifetimeMs(),
                d.drainMs(), d.clientIntervalMs(), d.bridge(), d.probeTimeoutMs(), d.clientTimeoutMs(), d.connectionSync());
        assertEquals("n3", Bench.preferredMaster(swapped));
    }

    @Test
    void anUnknownOrValuelessArgumentIsRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bench.options(new String[] {"check", "--trails", "5"}))
                .getMessage().contains("unknown argument '--trails'"));
        assertEquals("--trials needs a value",
                assertThrows(IllegalArgumentException.class, () -> Bench.options(new String[] {"check", "--trials"})).getMessage());
    }

    @Test
    void nodeIniGivesEveryKeyInOrderAndRejectsAnythingButSelfbalanceKeys() {
        assertEquals(List.of(), Bench.nodeIni(Map.of()));
        assertEquals(List.of(), Bench.nodeIni(Map.of("--node-ini", "")));
        assertEquals(List.of("selfbalance.control-nice=0", "selfbalance.health.probe-interval=500ms", "selfbalance.status.path="),
                Bench.nodeIni(Map.of("--node-ini", "selfbalance.control-nice=0,selfbalance.health.probe-interval=500ms,selfbalance.status.path=")));
        for (String bad : List.of("jetty.http.port=9090", "selfbalance.control-nice", "selfbalance.Control-Nice=0",
                "selfbalance.control-nice=a b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Bench.nodeIni(Map.of("--node-ini", "selfbalance.vip-lifetime=5s," + bad)));
            assertEquals("--node-ini '" + bad + "' is not allowed; allowed: selfbalance.<key>=<value> without spaces, comma-separated",
                    e.getMessage());
        }
    }
}
