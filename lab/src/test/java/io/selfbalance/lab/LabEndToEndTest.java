package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end expectations, on the real lab: three real jetty-home 12.1.12 nodes with the
 * selfbalance overlay and the demo WAR, a client, one bridge, inside user-mode-linux (which has IPVS).
 * Every scenario is played in ONE boot ({@code Lab play --scenario all --machine}); each test then
 * judges the raw figures the lab measured (its LAB-* lines), not the lab's own verdict.
 */
class LabEndToEndTest {

    private static UmlKernel.Result result;
    /** Each client log's FAIL lines ("FAIL send=.. end=.. reason=.."), by log name. */
    private static final Map<String, List<String>> failedRequests = new java.util.HashMap<>();
    private static LabSettings settings;

    @BeforeAll
    static void playEveryScenarioInOneBoot() throws Exception {
        Path dist = Path.of("target/lab-dist").toAbsolutePath();
        Path work = Files.createTempDirectory("selfbalance-lab-e2e-");
        // the lab's user-mode-linux defaults (a gentler client rate, longer client timeout; see LabSettings.uml)
        Lab.prepare(Map.of("--dist", dist.toString(), "--work", work.toString(), "--uml", "true"), System.out);
        settings = LabSettings.load(work.resolve("lab.properties"));
        String script = "cd " + UmlKernel.quote(work.toString()) + " && "
                + UmlKernel.javaCommand(Lab.class, "play", "--work", work.toString(), "--scenario", "all", "--machine");
        // CI budget: the whole run in 20 minutes at most (11 on the idle 2-core machine at 05:58 on 2026-11-26: four
        // restarts of about 90 s each inside user-mode-linux); a loaded workstation may pass a longer bound
        long minutes = Long.getLong("selfbalance.lab.e2e.minutes", 20);
        result = UmlKernel.run(script, Duration.ofMinutes(minutes), 3584);
        System.out.println(result.output());
        // every failed request with its reason and send time (the lab's summary has counts only), for a post-mortem
        // from the build output alone
        for (String log : List.of("client.log", "client-keepalive.log")) {
            Path f = work.resolve(log);
            if (Files.exists(f)) {
                List<String> failed = Files.readAllLines(f).stream().filter(l -> l.startsWith("FAIL ")).toList();
                failedRequests.put(log, failed);
                // the last ones: the first are the start-up's, before the cluster was stable
                System.out.println("--- " + log + ": " + failed.size() + " failed requests (last 150) ---");
                failed.stream().skip(Math.max(0, failed.size() - 150)).forEach(System.out::println);
            }
        }
        JettyBases.deleteTree(work);
    }

    @Test
    void steadyStateSplitsThreeThousandRequestsByTheWeights() {
        ClientProcess.Fields split = one("LAB-SPLIT");
        long total = split.num("total");
        assertTrue(total >= 3000, "only " + total + " requests in the steady window" + tail());
        long weightSum = 0;
        for (int i = 0; i < settings.nodes(); i++) {
            String n = settings.name(i);
            assertEquals(settings.weights().get(i), (int) split.num("weight." + n), "IPVS weight of " + n + " on the master");
            weightSum += split.num("weight." + n);
        }
        for (int i = 0; i < settings.nodes(); i++) {
            String n = settings.name(i);
            double expected = total * (double) split.num("weight." + n) / weightSum;
            long got = split.num("node." + n);
            assertTrue(Math.abs(got - expected) <= 0.10 * expected,
                    n + " served " + got + " of " + total + ", expected " + Math.round(expected) + " +-10%: " + split.values());
        }
    }

    @Test
    void afterAMasterCrashRequestsSucceedAgainAndTheDeadMastersVipExpiresWithinItsLifetime() {
        ClientProcess.Fields crash = event("crash");
        assertTrue(crash.num("outageMs") >= 0, "requests never succeeded again after the crash: " + crash.values() + tail());
        ClientProcess.Fields takeover = measure("crash-takeover");
        assertTrue(takeover.num("ms") >= 0, "no backup took the VIP: " + takeover.values());
        assertNotEquals(takeover.values().get("old"), takeover.values().get("new"));
        ClientProcess.Fields gone = measure("crash-vip-gone");
        long ms = gone.num("ms");
        // the kernel expires addresses on whole-second ticks (round_jiffies_up): allow that second on top
        assertTrue(ms >= 0 && ms <= settings.vipLifetimeMs() + 1000,
                "the killed master's VIP was gone after " + ms + " ms; lifetime " + settings.vipLifetimeMs() + " ms");
    }

    @Test
    void aBackupsHealthDownGivesItWeightZeroOnTheMasterWithinIntervalTimesFallPlusOneSecond() {
        ClientProcess.Fields zero = measure("backup-weight-zero");
        long bound = settings.probeIntervalMs() * settings.probeFall() + 1000;
        long ms = zero.num("ms");
        assertTrue(ms >= 0 && ms <= bound, "weight 0 after " + ms + " ms, bound " + bound + " ms: " + zero.values());
        ClientProcess.Fields quiet = measure("backup-quiet");
        assertEquals(0, quiet.num("served"), "new requests reached the DOWN backup: " + quiet.values());
        assertTrue(quiet.num("ok") > 0, "no requests at all while the backup was DOWN: " + quiet.values());
        ClientProcess.Fields back = measure("backup-weight-restored");
        assertTrue(back.num("ms") >= 0, "the backup never got its weight back: " + back.values());
    }

    @Test
    void masterHealthDownMakesAnotherNodeMaster() {
        ClientProcess.Fields resign = measure("resign-new-master");
        assertTrue(resign.num("ms") >= 0, "no other node became master: " + resign.values() + tail());
        assertNotEquals(resign.values().get("old"), resign.values().get("new"));
    }

    @Test
    void aRollingRestartOfEveryBackupLosesNoRequestWithNewConnectionsOrKeepAlive() {
        List<String> backups = new ArrayList<>();
        for (String line : result.linesStartingWith("LAB-EVENT ")) {
            ClientProcess.Fields f = ClientProcess.parse("LAB-EVENT " + line);
            String name = f.values().get("name");
            if (name.startsWith("rolling-")) {
                backups.add(f.values().get("node"));
                assertTrue(f.num("sent") > 0 && f.num("ka.sent") > 0, "both clients sent during " + name + ": " + f.values());
                // Exactly 0. The clean-clone CI runs before 2026-11-26 09:00 lost 1-16 per restart (this test then
                // allowed 1 %): every loss was a timeout right after the restarted node got its weight back, because
                // rolling restarts, unlike every other restart in the lab, started the node cold. They warm up now.
                // The run of 11:00 still lost 6 + 6 (and 1 in steady state) to host stalls of the emulated CPU while
                // every node was up: a request now fails when not answered within 10 s (LabSettings.uml), while a
                // handshake still has 3 s, so lost packets count as before.
                assertEquals(0, f.num("failed"), "failed new-connection requests while " + name + ": " + f.values()
                        + inWindow("client.log", f) + tail());
                assertEquals(0, f.num("ka.failed"), "failed keep-alive requests while " + name + ": " + f.values()
                        + inWindow("client-keepalive.log", f) + tail());
            }
        }
        assertEquals(settings.nodes() - 1, backups.size(), "every backup was restarted once: " + backups + tail());
    }

    @Test
    void aPlannedMasterHandoverLosesNoNewConnection() {
        ClientProcess.Fields stop = event("stop");
        assertTrue(stop.num("sent") > 0, "the client sent nothing during the handover: " + stop.values());
        assertEquals(0, stop.num("failed"), "failed new connections during the master's graceful stop: " + stop.values()
                + inWindow("client.log", stop) + tail());
    }

    @Test
    void anUnplannedMasterCrashIsCountedAndReported() {
        // not asserted zero (connections through the dead master are lost): counted by both clients and reported
        ClientProcess.Fields crash = event("crash");
        assertTrue(crash.values().containsKey("failed") && crash.values().containsKey("ka.failed"), crash.values().toString());
        assertTrue(result.output().matches("(?s).*\\ncrash +n\\d +\\d+ +-?\\d+ +\\d+ +-?\\d+ .*"),
                "the summary reports the crash's failures and outage for both clients" + tail());
    }

    @Test
    void everyScenarioEndsWithExactlyOneMaster() {
        List<String> seen = new ArrayList<>();
        for (String line : result.linesStartingWith("LAB-MASTERS ")) {
            ClientProcess.Fields f = ClientProcess.parse("LAB-MASTERS " + line);
            String masters = f.values().getOrDefault("masters", "");
            assertEquals(1, masters.isEmpty() ? 0 : masters.split(",").length,
                    "after " + f.values().get("scenario") + ": masters [" + masters + "]");
            seen.add(f.values().get("scenario"));
        }
        assertEquals(Lab.SCENARIOS, seen, "every scenario ran and reported its masters" + tail());
    }

    private static ClientProcess.Fields one(String kind) {
        List<String> lines = result.linesStartingWith(kind + " ");
        if (lines.size() != 1) {
            fail("expected one " + kind + " line, found " + lines.size() + tail());
        }
        return ClientProcess.parse(kind + " " + lines.get(0));
    }

    private static ClientProcess.Fields measure(String name) {
        return named("LAB-MEASURE ", name);
    }

    private static ClientProcess.Fields event(String name) {
        return named("LAB-EVENT ", name);
    }

    /** The first {@code kind} line (e.g. "LAB-EVENT ") whose name is {@code name}. */
    private static ClientProcess.Fields named(String kind, String name) {
        for (String line : result.linesStartingWith(kind)) {
            ClientProcess.Fields f = ClientProcess.parse(kind + line);
            if (name.equals(f.values().get("name"))) {
                return f;
            }
        }
        return fail("no " + kind + "name=" + name + tail());
    }

    /**
     * The failed requests of {@code log} sent inside the event's window, as "+ms after the fault, how long, reason"
     * (the first 30): which kind of failure, when, for a post-mortem from the assertion message alone.
     */
    private static String inWindow(String log, ClientProcess.Fields event) {
        long fault = event.num("fault");
        long end = event.num("end");
        StringBuilder sb = new StringBuilder("\n--- " + log + ": failed requests sent in the window (ms after the fault) ---");
        int shown = 0;
        for (String line : failedRequests.getOrDefault(log, List.of())) {
            ClientProcess.Fields f = ClientProcess.parse(line);
            long send = f.num("send");
            if (send >= fault && send <= end && shown++ < 30) {
                sb.append("\n+").append((send - fault) / 1000).append(" ms, took ").append((f.num("end") - send) / 1000)
                        .append(" ms: ").append(f.values().get("reason"));
            }
        }
        return sb.toString();
    }

    private static String tail() {
        String out = result.output();
        assertFalse(out.isEmpty(), "the lab printed nothing (exit " + result.exitCode() + ")");
        return "\n--- lab output (exit " + result.exitCode() + "), last part ---\n"
                + out.substring(Math.max(0, out.length() - 6000));
    }
}
