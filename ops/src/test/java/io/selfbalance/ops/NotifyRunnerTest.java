package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Runs real programs (shell scripts the test writes; the runner itself never uses a shell). */
class NotifyRunnerTest {
    @TempDir
    Path dir;

    private final BlockingQueue<NotifyResult> results = new LinkedBlockingQueue<>();
    private final RecordingLogger log = new RecordingLogger(NotifyRunner.LOGGER_NAME);

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    /** A program that appends its argument vector to {@code file}, NUL-separated, records ended by RS (036). */
    private Path recorder(Path file) throws IOException {
        return script("record.sh", "printf '%s\\0' \"$0\" \"$@\" >> '" + file + "'\nprintf '\\036' >> '" + file + "'");
    }

    private static List<List<String>> records(Path file) throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String rec : Files.readString(file, StandardCharsets.UTF_8).split("\u001e")) {
            if (!rec.isEmpty()) {
                out.add(Arrays.asList(rec.split("\0", -1)).subList(0, rec.split("\0", -1).length - 1));
            }
        }
        return out;
    }

    private NotifyResult next() throws InterruptedException {
        NotifyResult r = results.poll(30, TimeUnit.SECONDS);
        assertNotNull(r, "no notify result within 30 s");
        return r;
    }

    @Test
    void stateHookGetsItsOwnArgumentsThenNotifyGetsKeepalivedsFourMore() throws Exception {
        Path rec = dir.resolve("calls");
        Path p = recorder(rec);
        NotifySettings s = NotifySettings.none()
                .with(NotifyHook.MASTER, List.of(p.toString(), "to-master", "two words"))
                .with(NotifyHook.BACKUP, List.of(p.toString(), "to-backup"))
                .with(NotifyHook.NOTIFY, List.of(p.toString(), "--any"));
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertTrue(runner.submit("main", NotifyState.MASTER, 150));
            assertTrue(runner.submit("v6", NotifyState.BACKUP, 90));
            for (int i = 0; i < 4; i++) {
                assertEquals(NotifyResult.Outcome.SUCCEEDED, next().outcome());
            }
        }
        assertEquals(List.of(
                List.of(p.toString(), "to-master", "two words"),
                List.of(p.toString(), "--any", "INSTANCE", "main", "MASTER", "150"),
                List.of(p.toString(), "to-backup"),
                List.of(p.toString(), "--any", "INSTANCE", "v6", "BACKUP", "90")), records(rec));
        assertTrue(log.messages().stream().anyMatch(m -> m.startsWith(
                "event=notify hook=notify_master instance=main state=MASTER outcome=SUCCEEDED exit=0 took_ms=")),
                log.messages().toString());
    }

    @Test
    void shellMetacharactersInANameReachTheProgramLiterally() throws Exception {
        Path rec = dir.resolve("calls");
        Path pwned = dir.resolve("pwned");
        String name = "main; touch " + pwned + " $(touch " + pwned + ") `touch " + pwned + "` | & > x \"q\" 'q' *\nnext";
        NotifySettings s = NotifySettings.none().with(NotifyHook.NOTIFY, List.of(recorder(rec).toString()));
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertTrue(runner.submit(name, NotifyState.FAULT, 1));
            assertEquals(NotifyResult.Outcome.SUCCEEDED, next().outcome());
        }
        List<String> argv = records(rec).get(0);
        assertEquals(List.of("INSTANCE", name, "FAULT", "1"), argv.subList(1, argv.size()));
        assertFalse(Files.exists(pwned), "something interpreted the name as shell");
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void aProgramStillRunningAtTheTimeLimitIsKilledWithEverythingItStarted() throws Exception {
        Path pids = dir.resolve("pids");
        // Ignores SIGTERM (and so does its child: an ignored signal stays ignored across exec), so only the
        // SIGKILL after the grace period ends it.
        Path p = script("stubborn.sh", "trap '' TERM\necho before\nsleep 60 &\necho $$ $! > '" + pids + "'\nwait\necho after");
        NotifySettings s = NotifySettings.none().with(NotifyHook.STOP, List.of(p.toString()))
                .withTimeout(Duration.ofMillis(700));
        long start = System.nanoTime();
        NotifyResult r;
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertTrue(runner.submit("main", NotifyState.STOP, 0));
            r = next();
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(NotifyResult.Outcome.TIMED_OUT, r.outcome());
        assertEquals(-1, r.exitCode());
        assertEquals("time limit 700 ms", r.detail());
        assertTrue(r.took().toMillis() >= 700, r.toString());
        assertTrue(tookMs < 15_000, "the runner must not wait for the 60 s sleep: " + tookMs + " ms");
        for (String pid : Files.readString(pids).trim().split(" ")) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("process " + pid + " (" + h.info().commandLine().orElse("?") + ") survived", e);
                }
            });
        }
        List<String> out = log.messages();
        assertTrue(out.contains("event=notify_output hook=notify_stop instance=main stream=stdout line=before"), out.toString());
        assertFalse(out.stream().anyMatch(m -> m.contains("line=after")), out.toString());
    }

    @Test
    void outputIsLoggedLineByLineAndAFailureIsReported() throws Exception {
        Path p = script("chatty.sh", "echo 'line one'\necho line2\necho 'oops: \"bad\"' >&2\nprintf 'no newline at end'\nexit 3");
        NotifySettings s = NotifySettings.none().with(NotifyHook.BACKUP, List.of(p.toString()));
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertTrue(runner.submit("main", NotifyState.BACKUP, 100));
            NotifyResult r = next();
            assertEquals(NotifyResult.Outcome.FAILED, r.outcome());
            assertEquals(3, r.exitCode());
        }
        List<RecordingLogger.Line> lines = log.lines();
        assertTrue(lines.contains(new RecordingLogger.Line(Level.INFO,
                "event=notify_output hook=notify_backup instance=main stream=stdout line=\"line one\"", null)), lines.toString());
        assertTrue(lines.contains(new RecordingLogger.Line(Level.INFO,
                "event=notify_output hook=notify_backup instance=main stream=stdout line=line2", null)), lines.toString());
        assertTrue(lines.contains(new RecordingLogger.Line(Level.INFO,
                "event=notify_output hook=notify_backup instance=main stream=stdout line=\"no newline at end\"", null)), lines.toString());
        assertTrue(lines.contains(new RecordingLogger.Line(Level.WARN,
                "event=notify_output hook=notify_backup instance=main stream=stderr line=\"oops: \\\"bad\\\"\"", null)), lines.toString());
        // The result line comes after all output lines (the pumps are joined first), at WARN for a failure.
        RecordingLogger.Line last = lines.get(lines.size() - 1);
        assertEquals(Level.WARN, last.level());
        assertTrue(last.message().startsWith("event=notify hook=notify_backup instance=main state=BACKUP outcome=FAILED exit=3 "), last.message());
    }

    @Test
    void hooksRunOneAtATimeInOrderOffTheCallerAndAFullQueueRejects() throws Exception {
        Path order = dir.resolve("order");
        Path go = dir.resolve("go");
        Path started = dir.resolve("started");
        // $3 is the instance name (after the configured argument... none here: INSTANCE name STATE prio).
        Path p = script("gate.sh", "echo \"$2\" >> '" + started + "'\nwhile [ ! -e '" + go + "' ]; do sleep 0.02; done\necho \"$2\" >> '" + order + "'");
        NotifySettings s = NotifySettings.none().with(NotifyHook.NOTIFY, List.of(p.toString())).withQueueCapacity(2);
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertTrue(runner.submit("a", NotifyState.MASTER, 100));
            waitFor(started);                                  // "a" is running and blocked on the gate
            assertTrue(runner.submit("b", NotifyState.BACKUP, 100));
            assertTrue(runner.submit("c", NotifyState.MASTER, 100));
            assertFalse(runner.submit("d", NotifyState.BACKUP, 100), "third waiting change must be rejected");
            NotifyResult rejected = next();
            assertEquals(NotifyResult.Outcome.REJECTED, rejected.outcome());
            assertEquals("d", rejected.instance());
            assertEquals("queue full (2 waiting)", rejected.detail());
            // Every submit above returned while the first hook was still blocked: they never wait for a program.
            assertFalse(Files.exists(order));
            Files.createFile(go);
            for (int i = 0; i < 3; i++) {
                assertEquals(NotifyResult.Outcome.SUCCEEDED, next().outcome());
            }
        }
        assertEquals(List.of("a", "b", "c"), Files.readAllLines(order));
    }

    @Test
    void nothingConfiguredMeansNothingRunsAndAMissingProgramIsReported() throws Exception {
        try (NotifyRunner runner = new NotifyRunner(NotifySettings.none(), results::add, log)) {
            assertFalse(runner.submit("main", NotifyState.MASTER, 100));
        }
        NotifySettings s = NotifySettings.none().with(NotifyHook.MASTER, List.of(dir.resolve("missing.sh").toString()));
        try (NotifyRunner runner = new NotifyRunner(s, results::add, log)) {
            assertFalse(runner.submit("main", NotifyState.BACKUP, 100), "no hook for BACKUP");
            assertTrue(runner.submit("main", NotifyState.MASTER, 100));
            NotifyResult r = next();
            assertEquals(NotifyResult.Outcome.NOT_STARTED, r.outcome());
            assertTrue(r.detail().contains("missing.sh"), r.detail());
        }
        NotifyRunner closed = new NotifyRunner(s, results::add, log);
        closed.close();
        assertFalse(closed.submit("main", NotifyState.MASTER, 100));
        assertEquals("runner closed", next().detail());
    }

    @Test
    void badSettingsNameTheKey() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifySettings.none().with(NotifyHook.MASTER, List.of("notify.sh", "x")));
        assertEquals("selfbalance.notify.master = [notify.sh, x] is invalid: 'notify.sh' is not an absolute path;"
                + " allowed: the absolute path of an executable program, then its arguments", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NotifySettings.none().withTimeout(Duration.ZERO));
        assertEquals("selfbalance.notify.timeout = PT0S is invalid; allowed: more than 0s, at most 1h", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NotifySettings.none().withQueueCapacity(0));
        assertEquals("selfbalance.notify.queue-capacity = 0 is invalid; allowed: 1..10000", e.getMessage());
        Path notExecutable = dir.resolve("plain.txt");
        Files.writeString(notExecutable, "x");
        e = assertThrows(IllegalArgumentException.class, () -> NotifySettings.none()
                .with(NotifyHook.NOTIFY, List.of(notExecutable.toString())).checkProgramsExecutable());
        assertTrue(e.getMessage().startsWith("selfbalance.notify.notify = [" + notExecutable + "] is invalid: "
                + notExecutable + " is not an executable file"), e.getMessage());
        NotifySettings.none().with(NotifyHook.NOTIFY, List.of(script("ok.sh", "true").toString())).checkProgramsExecutable();
    }

    private static void waitFor(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " did not appear within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
