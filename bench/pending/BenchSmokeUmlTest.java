package io.selfbalance.bench;

import io.selfbalance.testkit.UmlKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI smoke run of the benchmark (issue 8: "CI runs at most a one-trial smoke run"): the same code
 * path as {@code bench/run --smoke}, inside user-mode-linux: one "master cut off" trial at 1 s adverts
 * for keepalived and for Selfbalance (two real Jetty nodes, to fit the CI budget on UML's one CPU),
 * then the report. It asserts that the report is made of real measurements (the client saw the
 * outage end; a new master took the VIP), never that a figure meets a target.
 */
class BenchSmokeUmlTest {

    @TempDir
    Path tmp;

    @Test
    void oneTrialPerSystemEndsInAReportBuiltFromMeasuredOutages() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "bench-smoke").toAbsolutePath());
        Path results = work.resolve("results.tsv");
        Files.deleteIfExists(results);
        Path dist = Path.of("..", "lab", "target", "lab-dist").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dist), "the lab's jetty-home, overlay and demo WAR are built into " + dist
                + " by the lab module (mvn install -pl lab -am)");
        PrintStream log = new PrintStream(Files.newOutputStream(work.resolve("prepare.log")), true, StandardCharsets.UTF_8);
        Bench.prepare(Map.of("--dist", dist.toString(), "--work", work.toString(), "--adverts", "1000", "--nodes", "2"), log);

        UmlKernel.Result r = UmlKernel.run("cd " + UmlKernel.quote(work.toString()) + "\n" + UmlKernel.javaCommand(Bench.class,
                "measure", "--work", work.toString(), "--results", results.toString(), "--faults", "cut", "--adverts", "1000",
                "--trials", "1", "--health-trials", "1", "--nodes", "2") + "\n", Duration.ofSeconds(600), 3072);
        Files.writeString(work.resolve("measure.log"), r.output());
        assertEquals(0, r.exitCode(), "Bench measure inside user-mode-linux failed:\n" + r.output());

        List<String[]> rows = Report.rows(results);
        List<Report.Trial> trials = Report.trials(rows);
        for (String system : Bench.SYSTEMS) {
            List<Report.Trial> t = Report.select(trials, system, 1000, "cut");
            assertEquals(1, t.size(), system + ": one cut trial recorded; records:\n" + r.output());
            Report.Trial trial = t.get(0);
            assertTrue(trial.sent() > 0, system + ": the client sent requests in the window: " + trial);
            assertTrue(trial.failed() > 0 && trial.firstSuccessMs() > 0,
                    system + ": cutting the master off lost requests and the client got a success after it: " + trial);
            assertFalse(trial.newMaster().equals("-") || trial.newMaster().equals(trial.oldMaster()),
                    system + ": another node took the VIP: " + trial);
        }

        Path out = tmp.resolve("report");
        Report.write(results, out, null, log);
        String md = Files.readString(out.resolve("report.md"));
        Report.Trial sb = Report.select(trials, "selfbalance", 1000, "cut").get(0);
        Report.Trial ka = Report.select(trials, "keepalived", 1000, "cut").get(0);
        assertTrue(md.contains("| 1000 ms | cut | " + ka.firstSuccessMs() + " / " + ka.firstSuccessMs() + " |"), "the keepalived outage in the table:\n" + md);
        assertTrue(md.contains("| " + sb.firstSuccessMs() + " / " + sb.firstSuccessMs() + " |"), "the Selfbalance outage in the table:\n" + md);
        assertTrue(Files.size(out.resolve("failover-1000ms.png")) > 1000, "the plot was drawn");
    }
}
