package io.selfbalance.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A temporary jetty.base over the real jetty-home the build unpacked, with the Selfbalance overlay unpacked into it,
 * driven through {@code java -jar $JETTY_HOME/start.jar} exactly as an operator would.
 */
final class JettyBase {

    static final Path JETTY_HOME = Path.of(required("selfbalance.test.jettyHome"));
    static final Path OVERLAY_TAR_GZ = Path.of(required("selfbalance.test.overlayTarGz"));
    static final Path OVERLAY_ZIP = Path.of(required("selfbalance.test.overlayZip"));
    static final Path DEMO_WAR = Path.of(required("selfbalance.test.demoWar"));
    static final Path TEST_CLASSES = Path.of(required("selfbalance.test.testClasses"));
    /** How long start.jar may take for one step (--add-modules, a start, a refused start) on a loaded 2-core host. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern STARTED_PORT = Pattern.compile("Started oejs\\.ServerConnector@\\w+\\{HTTP/1\\.1, \\(http/1\\.1\\)\\}\\{[^}]*:(\\d+)}");

    final Path dir;

    JettyBase(Path dir) {
        this.dir = dir;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run this test with 'mvn verify' (failsafe)");
        }
        return value;
    }

    /**
     * A jetty.base made with the operator's install steps: the overlay unpacked, then
     * {@code start.jar --add-modules=<modules>}. Tests make it once per class and work on {@link #copyTo copies}.
     */
    static JettyBase installed(Path dir, String modules) throws Exception {
        JettyBase base = new JettyBase(dir).unpackOverlay();
        ProcessResult add = base.startJar(START_TIMEOUT, "--add-modules=" + modules);
        assertEquals(0, add.exitCode(), add.output());
        return base;
    }

    /** Appends Selfbalance keys ({@code key=value} lines) to {@code start.d/selfbalance.ini}. */
    JettyBase configure(List<String> selfbalanceKeys) throws IOException {
        appendIni("selfbalance", selfbalanceKeys);
        return this;
    }

    /** Copies a WAR (or nothing else) into {@code webapps/} under {@code fileName}, as an operator drops one in. */
    JettyBase deploy(Path war, String fileName) throws IOException {
        Files.copy(war, dir.resolve("webapps").resolve(fileName));
        return this;
    }

    /** Unpacks the overlay (tar.gz) into this base, as the README's Install section says. */
    JettyBase unpackOverlay() throws Exception {
        Files.createDirectories(dir);
        ProcessResult tar = run(List.of("tar", "xzf", OVERLAY_TAR_GZ.toString(), "-C", dir.toString()), Duration.ofSeconds(30));
        assertTrue(tar.exitCode == 0, "tar failed: " + tar.output);
        return this;
    }

    /** A copy of this base in {@code target} (a fresh jetty.base without repeating the install steps). */
    JettyBase copyTo(Path target) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(dir.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
        return new JettyBase(target);
    }

    /** Runs start.jar with the given arguments and waits for it to exit. */
    ProcessResult startJar(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JETTY_HOME.resolve("start.jar").toString()));
        command.addAll(List.of(args));
        return run(command, timeout);
    }

    void appendIni(String module, List<String> lines) throws IOException {
        Path ini = dir.resolve("start.d").resolve(module + ".ini");
        Files.writeString(ini, String.join("\n", lines) + "\n", java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
    }

    /** Starts Jetty on an ephemeral loopback port and waits until it listens (or fails). */
    Running start(Duration timeout, String... extraArgs) throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // Selfbalance needs a fixed port (IPVS service, health URLs): pick a free one
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JETTY_HOME.resolve("start.jar").toString(),
            "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        command.addAll(List.of(extraArgs));
        Path log = Files.createTempFile(dir, "jetty-", ".log");
        Process process = fastJvm(new ProcessBuilder(command)).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        Running running = new Running(process, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = STARTED_PORT.matcher(running.log());
            if (m.find()) {
                running.port = Integer.parseInt(m.group(1));
                return running;
            }
            if (!process.isAlive()) {
                return running; // port stays 0: the caller asserts on the exit and the log
            }
            Thread.sleep(100);
        }
        running.close();
        throw new AssertionError("Jetty did not start within " + timeout + ":\n" + running.log());
    }

    /** Child JVMs only run a short test: C1 only and the serial collector start noticeably faster on 2 cores. */
    private static ProcessBuilder fastJvm(ProcessBuilder builder) {
        builder.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k");
        return builder;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private ProcessResult run(List<String> command, Duration timeout) throws Exception {
        Path out = Files.createTempFile("selfbalance-it-", ".out");
        try {
            Process process = fastJvm(new ProcessBuilder(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(out));
                }
                return new ProcessResult(process.exitValue(), Files.readString(out));
            } finally {
                destroy(process);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void destroy(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    record ProcessResult(int exitCode, String output) {
    }

    /** A Jetty process; {@link #close()} stops it (SIGTERM, then SIGKILL after 10 s). */
    static final class Running implements AutoCloseable {
        private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        final Process process;
        final Path logFile;
        int port;

        Running(Process process, Path logFile) {
            this.process = process;
            this.logFile = logFile;
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** GET with optional request headers given as name, value, name, value... */
        HttpResponse<String> get(String path, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path) throws Exception {
            return CLIENT.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }

        URI uri(String path) {
            if (port == 0) {
                throw new AssertionError("Jetty is not listening:\n" + log());
            }
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /**
         * Asserts that start.jar refused to start: it exits non-zero within {@link #START_TIMEOUT}, no connector
         * opened and Jetty never reported its server started. Returns the log for the caller's message checks.
         */
        String assertStartRefused() throws Exception {
            assertTrue(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "Jetty kept running:\n" + log());
            String log = log();
            assertNotEquals(0, process.exitValue(), log);
            assertEquals(0, port, "a connector was started:\n" + log);
            assertFalse(log.contains("Started oejs.Server"), log);
            return log;
        }

        /** Waits until {@code path} answers {@code status} with a body containing {@code text}; returns that body. */
        String awaitResponse(String path, int status, String text, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            HttpResponse<String> last = null;
            while (System.nanoTime() < deadline) {
                last = get(path);
                if (last.statusCode() == status && last.body().contains(text)) {
                    return last.body();
                }
                Thread.sleep(100);
            }
            throw new AssertionError(path + " did not answer " + status + " containing '" + text + "' within " + timeout
                + "; last: " + (last == null ? "none" : last.statusCode() + " " + last.body()) + "\nlog:\n" + log());
        }

        @Override
        public void close() throws InterruptedException {
            destroy(process);
        }
    }
}
