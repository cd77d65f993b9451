package io.selfbalance.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statistics and the report from given records (no lab): medians, p95, ratio, verdicts, plot. */
class ReportTest {

    @TempDir
    Path tmp;

    @Test
    void medianIsTheMiddleAndP95IsTheNearestRank() {
        assertEquals(3.0, Report.median(List.of(5L, 1L, 3L)));
        assertEquals(2.5, Report.median(List.of(4L, 1L, 3L, 2L)));
        List<Long> twenty = new java.util.ArrayList<>();
        for (long i = 1; i <= 20; i++) {
            twenty.add(i * 10);
        }
        assertEquals(190.0, Report.percentile(twenty, 95));
        assertTrue(Double.isNaN(Report.median(List.of())));
    }

    @Test
    void reportShowsMediansRatioAndVerdictsFromTheRecords() throws Exception {
        Path results = tmp.resolve("results.tsv");
        StringBuilder sb = new StringBuilder("note\tstarted\t1\n");
        long[] ka = {2650, 2700, 2680};
        long[] sbo = {1300, 1250, 1400};
        for (int i = 0; i < 3; i++) {
            sb.append("failover\tkeepalived\t1000\tcut\t").append(i + 1).append('\t').append(ka[i]).append("\t2600\t120\t140\t50.0\tn1\tn2\t2500\n");
            sb.append("failover\tselfbalance\t1000\tcut\t").append(i + 1).append('\t').append(sbo[i]).append("\t1200\t60\t140\t50.0\tn1\tn2\t1100\n");
        }
        // rows with the backMs column (since 2026-11-26): the first success sent before the cut bit (40 ms) is not
        // the outage; the first success after the first failure (backMs) is
        sb.append("failover\tkeepalived\t100\tcut\t1\t3000\t40\t30\t140\t50.0\tn1\tn2\t400\t420\n");
        sb.append("failover\tselfbalance\t100\tcut\t1\t380\t35\t5\t140\t50.0\tn1\tn2\t330\t370\n");
        sb.append("failover\tselfbalance\t1000\tstop\t1\t0\t5\t0\t140\t50.0\tn1\tn2\t600\n");
        sb.append("failover\tselfbalance\t1000\tkill\t1\t-1\t-1\t300\t300\t50.0\tn1\t-\t-1\n");
        sb.append("health\tselfbalance\t1000\t1\tn3\t2010\t2050\t1000\t2\n");
        sb.append("footprint\tselfbalance\t100\tn1\t250000\t41\t1.500\t60\t30000\t4\t0.150\n");
        sb.append("footprint\tkeepalived\t100\tn1\t18764\t3\t1.950\t60\t-\t-\t-\n");
        Files.writeString(results, sb.toString());
        Report.write(results, tmp.resolve("out"), null, new PrintStream(java.io.OutputStream.nullOutputStream()));
        String md = Files.readString(tmp.resolve("out/report.md"));
        // outage = fault to first success (2600 / 1200 in every trial); until clean = the outageMs records
        assertTrue(md.contains("| 1000 ms | cut | 2600 / 2600 | 2680 | 120 | 3 | 1200 / 1200 | 1300 | 60 | 3 | 0.46 |"), md);
        assertTrue(md.contains("| unplanned failover (cut, 1000 ms) ratio SB/KA <= 1.0 | SB 1200 ms vs KA 2600 ms (medians of 3 / 3 trials);"
                + " until clean SB 1300 vs KA 2680 ms | met |"), md);
        assertTrue(md.contains("| 100 ms | cut | 420 / 420 | 3000 | 30 | 1 | 370 / 370 | 380 | 5 | 1 | 0.88 |"), md);
        assertTrue(md.contains("| selfbalance | 100 | cut | 1 | 370 | 380 | 35 | 5 | 140 | 50 | n1 | n2 | 330 |"), md);
        assertTrue(md.contains("SB max 0 failed in 1 trials"), md);
        assertTrue(md.contains("| 1000 ms | kill | not measured | - | n/a | 0 | n/a / n/a | n/a (1 of 1 n/a) | 300 | 1 | n/a |"), md);
        assertTrue(md.contains("| health DOWN to weight 0 within interval x fall + 50 ms | SB [2010] ms, bound 2050 ms | met |"), md);
        assertTrue(md.contains("the module's threads: 4, their CPU 0.150 % (n1, 100 ms adverts) | threads not met, CPU met, heap not isolated |"), md);
        assertTrue(md.contains("| keepalived | 100 ms | n1 | 18764 | 3 | 1.950 | 60 | - | - | - |"), md);
        assertTrue(Files.size(tmp.resolve("out/failover-1000ms.png")) > 1000);
    }
}
