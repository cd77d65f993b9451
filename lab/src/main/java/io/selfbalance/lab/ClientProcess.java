package io.selfbalance.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LoadClient} running in the client namespace as its own JVM, driven over its standard
 * input ({@code MARK}/{@code END}) and read line by line. Keeps the last tick (for the live table)
 * and the {@code EVENT} records (for the checks and the summary); every line also goes to a log file.
 */
public final class ClientProcess implements AutoCloseable {

    /** Parsed fields of one {@code key=value} line. */
    public record Fields(String kind, Map<String, String> values) {
        public long num(String key) {
            String v = values.get(key);
            return v == null ? 0 : Long.parseLong(v);
        }

        public Map<String, Integer> byNode() {
            Map<String, Integer> m = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith("node.")) {
                    m.put(k.substring(5), Integer.parseInt(v));
                }
            });
            return m;
        }
    }

    private final Process process;
    private final Writer commands;
    private final Map<String, Fields> events = new ConcurrentHashMap<>();
    private volatile Fields lastTick;
    private volatile Fields done;
    private final long endWaitMs;

    /** A client that opens a new connection for every request (IPVS schedules each one afresh). */
    public ClientProcess(LabSettings s, Path log) {
        this(s, log, false);
    }

    /**
     * With {@code keepAlive}: one persistent connection, reopened when the server closes it or it breaks, one request
     * every two client intervals.
     */
    public ClientProcess(LabSettings s, Path log, boolean keepAlive) {
        // at the normal priority (unlike a starting node): the keep-alive client starts while the other one keeps the
        // CPU busy, and at nice 19 a saturated user-mode-linux left it without a single request for 120 s
        endWaitMs = s.clientTimeoutMs() + 15_000;
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", LabSettings.CLIENT_NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Cluster.SMALL_JVM);
        cmd.addAll(List.of("-Xms32m", "-Xmx96m", "-Xss256k",
                "-cp", System.getProperty("java.class.path"), LoadClient.class.getName(),
                // the keep-alive client at half the rate: it only has to show whether a persistent connection survives
                "--url", s.whoamiUrl(), "--interval-ms", Long.toString(keepAlive ? 2 * s.clientIntervalMs() : s.clientIntervalMs()),
                "--timeout-ms", Long.toString(s.clientTimeoutMs()),
                "--connect-timeout-ms", Long.toString(s.clientConnectTimeoutMs()), "--exit-on-eof"));
        if (keepAlive) {
            cmd.add("--keep-alive");
        }
        try {
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw Sh.io("cannot start the load client", e);
        }
        commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(log), "lab-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintStream out = new PrintStream(new java.io.FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.println(line);
                Fields f = parse(line);
                switch (f.kind()) {
                    case "TICK" -> lastTick = f;
                    case "EVENT" -> events.put(f.values().get("name"), f);
                    case "DONE" -> done = f;
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the client exited; close() reports how
        }
    }

    public static Fields parse(String line) {
        String[] parts = line.split(" ");
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                v.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return new Fields(parts[0], v);
    }

    /** Waits up to {@code timeoutMs} for the client's first successful request; whether it came. */
    public boolean awaitFirstSuccess(long timeoutMs) {
        return Lab.waitFor(() -> {
            Fields t = lastTick;
            return t != null && t.num("ok") > 0;
        }, timeoutMs, 200) >= 0;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Fields lastTick() {
        return lastTick;
    }

    private synchronized void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw Sh.io("the load client is gone (command '" + command + "')", e);
        }
    }

    /** Opens a window at {@code faultUs} (epoch microseconds). */
    public void mark(String name, long faultUs) {
        events.remove(name);
        send("MARK " + name + " " + faultUs);
    }

    /** Closes the window and waits for the client's {@code EVENT} record of it. */
    public Fields end(String name) {
        send("END " + name);
        // the client first waits (up to its request timeout) for the requests still in flight
        long deadline = System.currentTimeMillis() + endWaitMs;
        while (System.currentTimeMillis() < deadline) {
            Fields f = events.get(name);
            if (f != null) {
                return f;
            }
            Sh.sleep(20);
        }
        throw new IllegalStateException("the load client did not report window '" + name + "' within " + endWaitMs + " ms"
                + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
    }

    @Override
    public void close() {
        try {
            send("STOP");
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public Fields done() {
        return done;
    }
}
