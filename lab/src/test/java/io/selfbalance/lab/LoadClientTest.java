package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The load client against a real local HTTP server, and its window arithmetic on known attempts. */
class LoadClientTest {

    @Test
    void countsEveryResponseByTheNodeNamedInTheBody() throws Exception {
        AtomicInteger n = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/api/whoami", ex -> {
            // alternate two names, and chunk one response in three, as a servlet container may
            String node = n.getAndIncrement() % 3 == 0 ? "a" : "b";
            byte[] body = ("{\"node\":\"" + node + "\",\"time\":\"now\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            boolean chunked = n.get() % 2 == 0;
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        try {
            String out = runClient("--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/whoami",
                    "--interval-ms", "5", "--requests", "60", "--timeout-ms", "10000");
            ClientProcess.Fields done = lastLine(out, "DONE");
            assertEquals(60, done.num("sent"), out);
            assertEquals(60, done.num("ok"), out);
            assertEquals(0, done.num("failed"), out);
            assertEquals(20, done.byNode().get("a"), out);
            assertEquals(40, done.byNode().get("b"), out);
            assertEquals(60, n.get(), "one request per attempt");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void keepAliveReusesTheConnectionUntilTheServerSaysClose() throws Exception {
        AtomicInteger n = new AtomicInteger();
        java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/api/whoami", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            byte[] body = "{\"node\":\"a\"}".getBytes(StandardCharsets.UTF_8);
            // every 5th response ends its connection, as Jetty's responses do while it shuts down gracefully
            if (n.incrementAndGet() % 5 == 0) {
                ex.getResponseHeaders().add("Connection", "close");
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            String out = runClient("--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/whoami",
                    "--interval-ms", "5", "--requests", "30", "--timeout-ms", "10000", "--keep-alive");
            ClientProcess.Fields done = lastLine(out, "DONE");
            assertEquals(30, done.num("ok"), out);
            assertEquals(0, done.num("failed"), out);
            // a new connection after every "Connection: close", none in between
            assertEquals(6, clientPorts.size(), "connections: " + clientPorts);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void refusedConnectionsAndNon200AreFailures() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/api/whoami", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        int port = server.getAddress().getPort();
        try {
            String out = runClient("--url", "http://127.0.0.1:" + port + "/api/whoami", "--interval-ms", "5", "--requests", "5");
            assertEquals(5, lastLine(out, "DONE").num("failed"), out);
            assertTrue(out.contains("reason=http-503"), out);
        } finally {
            server.stop(0);
        }
        String out = runClient("--url", "http://127.0.0.1:" + port + "/api/whoami", "--interval-ms", "5", "--requests", "3");
        assertEquals(3, lastLine(out, "DONE").num("failed"), out);
        assertTrue(out.contains("reason=refused"), out);
    }

    @Test
    void aConnectionNotAcceptedIsAConnectTimeoutAndAnUnansweredRequestAReplyTimeout() throws Exception {
        // accepted by the kernel, never answered: the reply times out (a slow or stalled server)
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String out = runClient("--url", "http://127.0.0.1:" + silent.getLocalPort() + "/api/whoami",
                    "--interval-ms", "5", "--requests", "2", "--timeout-ms", "300", "--connect-timeout-ms", "2000");
            assertEquals(2, lastLine(out, "DONE").num("failed"), out);
            assertTrue(out.contains("reason=timeout"), out);
            assertFalse(out.contains("reason=connect-timeout"), out);
        }
        // a full accept queue: Linux drops further SYNs, so the handshake never completes (what a lost SYN looks like)
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket q = new java.net.Socket();
                    queued.add(q);
                    try {
                        q.connect(full.getLocalSocketAddress(), 200);
                    } catch (java.net.SocketTimeoutException e) {
                        break;  // the queue is full
                    }
                }
                String out = runClient("--url", "http://127.0.0.1:" + full.getLocalPort() + "/api/whoami",
                        "--interval-ms", "5", "--requests", "1", "--timeout-ms", "5000", "--connect-timeout-ms", "300");
                ClientProcess.Fields done = lastLine(out, "DONE");
                assertEquals(1, done.num("failed"), out);
                assertTrue(out.contains("reason=connect-timeout"), out);
            } finally {
                for (java.net.Socket q : queued) {
                    q.close();
                }
            }
        }
    }

    @Test
    void markedWindowReportsTheOutageAsTheClientSawIt() throws Exception {
        AtomicInteger broken = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/api/whoami", ex -> {
            int code = broken.get() == 1 ? 500 : 200;
            byte[] body = "{\"node\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        try (PipedOutputStream commands = new PipedOutputStream()) {
            PipedInputStream in = new PipedInputStream(commands);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            LoadClient client = new LoadClient(LoadClient.parse(new String[] {
                "--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/whoami", "--interval-ms", "5"}),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Thread t = new Thread(() -> {
                try {
                    client.run(in);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            Thread.sleep(300);
            long fault = LoadClient.nowUs();
            broken.set(1);
            commands.write(("MARK outage " + fault + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            Thread.sleep(400);
            broken.set(0);
            Thread.sleep(300);
            commands.write("END outage\nSTOP\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            t.join(10_000);
            String out = bytes.toString(StandardCharsets.UTF_8);
            ClientProcess.Fields ev = lastLine(out, "EVENT");
            assertEquals("outage", ev.values().get("name"));
            assertTrue(ev.num("failed") >= 20, out);
            assertTrue(ev.num("ok") >= 20, out);
            // the server failed for 400 ms after the fault: the outage covers that, plus at most scheduling slack
            assertTrue(ev.num("outageMs") >= 390 && ev.num("outageMs") < 3000, "outageMs " + ev.num("outageMs"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void windowArithmetic() {
        List<LoadClient.Attempt> a = new ArrayList<>();
        a.add(new LoadClient.Attempt(900_000, 905_000, "n1", null));       // before the fault
        a.add(new LoadClient.Attempt(995_000, 1_200_000, null, "timeout")); // in flight at the fault, failed after it
        a.add(new LoadClient.Attempt(1_010_000, 1_012_000, "n2", null));   // first success after the fault
        a.add(new LoadClient.Attempt(1_020_000, 1_021_000, null, "reset"));
        a.add(new LoadClient.Attempt(1_500_000, 1_503_000, null, "refused")); // the last failure
        a.add(new LoadClient.Attempt(1_600_000, 1_604_000, "n3", null));   // recovery
        a.add(new LoadClient.Attempt(1_700_000, 1_701_000, "n2", null));
        a.add(new LoadClient.Attempt(2_500_000, 2_501_000, "n1", null));   // after the window
        LoadClient.Window w = LoadClient.window("e", 1_000_000, 2_000_000, a);
        assertEquals(5, w.sent());
        assertEquals(3, w.ok());
        assertEquals(3, w.failed());
        assertEquals(12, w.firstSuccessMs());
        assertEquals(604, w.outageMs());
        assertEquals(Map.of("n2", 2, "n3", 1), w.byNode());
        assertEquals(Map.of("timeout", 1, "reset", 1, "refused", 1), w.failedByReason());
        assertEquals(4, w.slowestMs(), "the slowest success inside the window (n3's, 4 ms)");
        assertTrue(w.line().contains(" failed.refused=1 failed.reset=1 failed.timeout=1"), w.line());
        assertTrue(w.line().contains(" slowestMs=4 "), w.line());

        LoadClient.Window clean = LoadClient.window("c", 2_000_000, 3_000_000, a);
        assertEquals(0, clean.failed());
        assertEquals(0, clean.outageMs());

        List<LoadClient.Attempt> never = List.of(new LoadClient.Attempt(1_100_000, 1_200_000, null, "refused"));
        assertEquals(-1, LoadClient.window("n", 1_000_000, 2_000_000, never).outageMs());
        assertEquals(-1, LoadClient.window("n", 1_000_000, 2_000_000, never).backMs());
        assertEquals(0, clean.backMs());
        assertEquals(604, w.backMs(), "after the first failure sent inside (1.020 s), the first success is the recovery");

        // a cut: the fault command bites 50 ms late, service comes back at the takeover while the dead node's share
        // still fails until its weight goes
        List<LoadClient.Attempt> cut = List.of(
                new LoadClient.Attempt(1_005_000, 1_008_000, "n1", null),       // sent before the fault bit
                new LoadClient.Attempt(1_050_000, 4_050_000, null, "timeout"),  // the fault bit
                new LoadClient.Attempt(1_100_000, 4_100_000, null, "timeout"),
                new LoadClient.Attempt(1_400_000, 1_402_000, "n2", null),       // the new master serves
                new LoadClient.Attempt(1_450_000, 4_450_000, null, "timeout"),  // scheduled to the dead node
                new LoadClient.Attempt(1_600_000, 1_601_000, "n3", null));
        LoadClient.Window c = LoadClient.window("cut", 1_000_000, 2_000_000, cut);
        assertEquals(8, c.firstSuccessMs(), "the naive figure: a success before the fault took effect");
        assertEquals(402, c.backMs());
        assertEquals(601, c.outageMs());
        assertTrue(c.line().contains(" backMs=402"), c.line());
    }

    @Test
    void failureReasonsAreOneWordAndKeepAnUnknownMessage() {
        assertEquals("refused", LoadClient.reason(new java.net.ConnectException("Connection refused"), "io"));
        assertEquals("reset", LoadClient.reason(new java.net.SocketException("Connection reset by peer"), "io"));
        assertEquals("broken-pipe", LoadClient.reason(new java.net.SocketException("Broken pipe (Write failed)"), "io"));
        assertEquals("io-socket-closed", LoadClient.reason(new java.net.SocketException("Socket closed"), "io"));
        assertEquals("io", LoadClient.reason(new java.io.IOException((String) null), "io"));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadClient.parse(new String[] {"--url", "http://x/", "--interval-ms", "0"}));
        assertEquals("--interval-ms '0' must be an integer >= 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadClient.parse(new String[] {"--url", "ftp://x/"}));
        assertTrue(e.getMessage().contains("--url 'ftp://x/'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadClient.parse(new String[] {"--interval-ms", "5"}));
        assertEquals("--url is required", e.getMessage());
    }

    private static String runClient(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LoadClient(LoadClient.parse(args), new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .run(new java.io.ByteArrayInputStream(new byte[0]));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ClientProcess.Fields lastLine(String out, String kind) {
        ClientProcess.Fields found = null;
        for (String line : out.split("\n")) {
            if (line.startsWith(kind + " ")) {
                found = ClientProcess.parse(line);
            }
        }
        assertTrue(found != null, "no " + kind + " line in:\n" + out);
        return found;
    }
}
