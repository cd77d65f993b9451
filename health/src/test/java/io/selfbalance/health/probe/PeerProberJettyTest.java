package io.selfbalance.health.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Probes against a real Jetty 12 server on 127.0.0.1 that answers UP, DOWN, slowly, with garbage, closes
 * mid-response, answers too much, answers an unexpected status; and against a port nobody listens on. Every test
 * runs on both transports (epoll when this host has it, and NIO).
 */
class PeerProberJettyTest {

    static final String UP_BODY = "{\"status\":\"UP\",\"checks\":[{\"name\":\"app\",\"status\":\"UP\",\"data\":{\"selfbalance.weight\":40}}]}";
    static final String DOWN_BODY = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"db\",\"status\":\"DOWN\"},{\"name\":\"app\",\"status\":\"UP\"}]}";
    // Generous limits: this host may be heavily loaded, and only the slow endpoint is about timing (it never answers).
    static final ProbeSettings SETTINGS = ProbeSettings.defaults()
            .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10)).withMaxResponseBytes(4096);
    static final Duration SLOW_READ_TIMEOUT = Duration.ofMillis(1500);
    /** Opened by a test to release the answers of {@code /gated}. */
    static volatile java.util.concurrent.CountDownLatch joinGate = new java.util.concurrent.CountDownLatch(0);

    static Server server;
    static int port;
    static final AtomicInteger connectionsOpened = new AtomicInteger();
    static final java.util.concurrent.CountDownLatch releaseSlow = new java.util.concurrent.CountDownLatch(1);

    @BeforeAll
    static void startJetty() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(30_000);
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                connectionsOpened.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                switch (Request.getPathInContext(request)) {
                    case "/up" -> answer(response, callback, 200, UP_BODY);
                    case "/down" -> answer(response, callback, 503, DOWN_BODY);
                    case "/down-in-200" -> answer(response, callback, 200, DOWN_BODY);
                    case "/slow" -> {
                        // Answers only when the test class ends: far beyond any read timeout, however loaded the host.
                        releaseSlow.await(60, TimeUnit.SECONDS);
                        answer(response, callback, 200, UP_BODY);
                    }
                    case "/gated" -> {
                        // Holds the answer until the test opens the gate, so a probe is surely in progress.
                        joinGate.await(10, TimeUnit.SECONDS);
                        answer(response, callback, 200, UP_BODY);
                    }
                    case "/garbage" -> answer(response, callback, 200, "<html><body>It works!</body></html>");
                    case "/wrong-json" -> answer(response, callback, 200, "{\"status\":\"FINE\",\"checks\":[]}");
                    case "/midway" -> {
                        response.setStatus(200);
                        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 1000);
                        response.write(false, ByteBuffer.wrap(UP_BODY.substring(0, 30).getBytes(StandardCharsets.UTF_8)),
                                Callback.from(() -> callback.failed(new java.io.IOException("test: abort mid-response")), callback::failed));
                    }
                    case "/big" -> answer(response, callback, 200, UP_BODY.replace("40}", "40,\"pad\":\"" + "x".repeat(10_000) + "\"}"));
                    case "/big-chunked" -> {
                        response.setStatus(200);
                        byte[] part = ("{\"status\":\"UP\",\"pad\":\"" + "y".repeat(3000)).getBytes(StandardCharsets.UTF_8);
                        response.write(false, ByteBuffer.wrap(part), Callback.from(
                                () -> response.write(false, ByteBuffer.wrap(part), Callback.from(
                                        () -> Content.Sink.write(response, true, "\"}", callback), callback::failed)),
                                callback::failed));
                    }
                    case "/teapot" -> answer(response, callback, 418, UP_BODY);
                    case "/undetermined" -> answer(response, callback, 500, "{\"status\":\"DOWN\",\"checks\":[]}");
                    default -> answer(response, callback, 404, "");
                }
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
        // Warm both sides up (class loading, native epoll) so that a loaded host's cold start does not count.
        try (PeerProber warm = PeerProber.create(SETTINGS)) {
            warm.probe(PeerTarget.of("warm-up", "http://127.0.0.1:" + port + "/up")).get(60, TimeUnit.SECONDS);
        }
    }

    static void answer(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body, callback);
    }

    @AfterAll
    static void stopJetty() throws Exception {
        releaseSlow.countDown();
        server.stop();
    }

    static MultiThreadIoEventLoopGroup nioGroup;

    static PeerProber nio() {
        nioGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-nio", true), NioIoHandler.newFactory());
        PeerProber p = new PeerProber(nioGroup, SETTINGS);
        assertEquals("nio", p.transport());
        return p;
    }

    static void close(PeerProber p) {
        p.close();
        if (nioGroup != null) {
            nioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            nioGroup = null;
        }
    }

    static PeerTarget target(String path) {
        return PeerTarget.of("node-" + path, "http://127.0.0.1:" + port + path);
    }

    static ProbeResult probe(PeerProber p, String path) throws Exception {
        return p.probe(target(path)).get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void upAndDownAndTheirData(String transport) throws Exception {
        PeerProber p = transport.equals("nio") ? nio() : PeerProber.create(SETTINGS);
        try {
            ProbeResult up = probe(p, "/up");
            assertEquals(ProbeOutcome.UP, up.outcome(), up.toString());
            assertEquals(200, up.httpStatus());
            assertEquals(40L, up.body().orElseThrow().checks().get(0).data().get("selfbalance.weight"));

            ProbeResult down = probe(p, "/down");
            assertEquals(ProbeOutcome.DOWN, down.outcome(), down.toString());
            assertEquals(503, down.httpStatus());
            assertEquals("HTTP 503 (down: db)", down.reason());

            ProbeResult bodyDown = probe(p, "/down-in-200");
            assertEquals(ProbeOutcome.DOWN, bodyDown.outcome(), bodyDown.toString());
        } finally {
            close(p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void everyKindOfBrokenAnswerIsAnErrorWithItsReason(String transport) throws Exception {
        PeerProber p = transport.equals("nio") ? nio() : PeerProber.create(SETTINGS);
        try {

            ProbeResult garbage = probe(p, "/garbage");
            assertEquals(ProbeOutcome.ERROR, garbage.outcome());
            assertTrue(garbage.reason().startsWith("unparsable body with HTTP 200: invalid JSON at offset 0"), garbage.reason());

            ProbeResult wrongJson = probe(p, "/wrong-json");
            assertEquals(ProbeOutcome.ERROR, wrongJson.outcome());
            assertTrue(wrongJson.reason().contains("got \"FINE\""), wrongJson.reason());

            ProbeResult midway = probe(p, "/midway");
            assertEquals(ProbeOutcome.ERROR, midway.outcome(), midway.toString());
            assertTrue(midway.reason().startsWith("connection closed by peer mid-response"), midway.reason());

            ProbeResult big = probe(p, "/big");
            assertEquals(ProbeOutcome.ERROR, big.outcome());
            assertTrue(big.reason().matches("response body of \\d+ bytes exceeds maxResponseBytes 4096"), big.reason());

            ProbeResult bigChunked = probe(p, "/big-chunked");
            assertEquals(ProbeOutcome.ERROR, bigChunked.outcome());
            assertEquals("response body exceeds maxResponseBytes 4096", bigChunked.reason());

            ProbeResult teapot = probe(p, "/teapot");
            assertEquals(ProbeOutcome.ERROR, teapot.outcome());
            assertEquals("unexpected HTTP status 418", teapot.reason());
            assertEquals("unexpected HTTP status 500", probe(p, "/undetermined").reason());

            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                closedPort = s.getLocalPort();
            }
            ProbeResult refused = p.probe(PeerTarget.of("gone", "http://127.0.0.1:" + closedPort + "/health"))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(ProbeOutcome.ERROR, refused.outcome());
            assertEquals("connection refused", refused.reason());

            // After all that, the prober still works.
            assertEquals(ProbeOutcome.UP, probe(p, "/up").outcome());
        } finally {
            close(p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void slowAnswerIsAReadTimeout(String transport) throws Exception {
        ProbeSettings quick = SETTINGS.withTimeouts(SETTINGS.connectTimeout(), SLOW_READ_TIMEOUT);
        PeerProber p = transport.equals("nio")
                ? new PeerProber(nioGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-nio", true), NioIoHandler.newFactory()), quick)
                : PeerProber.create(quick);
        try {
            ProbeResult slow = probe(p, "/slow");
            assertEquals(ProbeOutcome.ERROR, slow.outcome(), slow.toString());
            assertTrue(slow.reason().startsWith("read timeout after 1500 ms (0 bytes received)"), slow.reason());
            assertTrue(slow.latency().compareTo(SLOW_READ_TIMEOUT) >= 0, slow.toString());
        } finally {
            close(p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void keepAliveReusesOneConnectionPerPeer(String transport) throws Exception {
        PeerProber p = transport.equals("nio") ? nio() : PeerProber.create(SETTINGS);
        try {
            PeerTarget t = PeerTarget.of("keepalive-" + transport, "http://127.0.0.1:" + port + "/up");
            int before = connectionsOpened.get();
            List<ProbeResult> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(p.probe(t).get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, connectionsOpened.get() - before, "one TCP connection for ten probes");
            assertFalse(results.get(0).reusedConnection());
            for (int i = 1; i < 10; i++) {
                assertEquals(ProbeOutcome.UP, results.get(i).outcome());
                assertTrue(results.get(i).reusedConnection(), results.get(i).toString());
            }
            assertEquals(1, p.idleConnections());
            // Measured, not asserted: latency of a probe on a new connection vs on the kept-alive one.
            double reusedMs = results.subList(1, 10).stream().mapToLong(r -> r.latency().toNanos()).average().orElse(0) / 1e6;
            System.out.printf("probe latency (%s): first %.2f ms, kept-alive mean %.2f ms%n", transport,
                    results.get(0).latency().toNanos() / 1e6, reusedMs);
            // An error closes the connection instead of keeping it.
            assertEquals(ProbeOutcome.ERROR, p.probe(PeerTarget.of("keepalive-" + transport, "http://127.0.0.1:" + port + "/teapot"))
                    .get(10, TimeUnit.SECONDS).outcome());
        } finally {
            close(p);
        }
    }

    /**
     * A prober sharing a control plane's I/O loop probes on that loop's thread and starts none of its own; closing it
     * leaves the loop running. On a task-only loop ({@code DefaultEventLoop}) it has to bring its own thread.
     */
    @Test
    void aProberSharingAnIoLoopRunsOnItsThreadAndLeavesItRunning() throws Exception {
        io.netty.channel.MultiThreadIoEventLoopGroup group = PeerProber.singleThreadGroup("test-shared-control");
        io.netty.channel.EventLoop loop = (io.netty.channel.EventLoop) group.next();
        try {
            java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
            PeerProber shared = PeerProber.sharing(loop, SETTINGS);
            assertTrue(shared.sharesItsGroup());
            assertEquals(ProbeOutcome.UP, shared.probe(target("/up")).get(10, TimeUnit.SECONDS).outcome());
            List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).filter(n -> n.startsWith("selfbalance-probe")).toList();
            assertEquals(List.of(), started, "no probe thread of its own");
            shared.close();
            assertFalse(group.isShuttingDown(), "the shared loop is not the prober's to stop");
            assertEquals("ran", loop.submit(() -> "ran").get(5, TimeUnit.SECONDS));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5000);
        }
        io.netty.channel.DefaultEventLoop tasksOnly = new io.netty.channel.DefaultEventLoop();
        try {
            PeerProber own = PeerProber.sharing(tasksOnly, SETTINGS);
            assertFalse(own.sharesItsGroup());
            own.close();
        } finally {
            tasksOnly.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void manyPeersAtOnceOnOneThread(String transport) throws Exception {
        PeerProber p = transport.equals("nio") ? nio() : PeerProber.create(SETTINGS);
        try {
            int peers = 40;
            List<CompletableFuture<ProbeResult>> futures = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                futures.add(p.probe(PeerTarget.of("peer-" + i, "http://127.0.0.1:" + port + (i % 2 == 0 ? "/up" : "/down"))));
            }
            for (int i = 0; i < peers; i++) {
                ProbeResult r = futures.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(i % 2 == 0 ? ProbeOutcome.UP : ProbeOutcome.DOWN, r.outcome(), r.toString());
            }
            long probeThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(transport.equals("nio") ? "test-nio" : "selfbalance-probe")).count();
            assertEquals(1, probeThreads, "all peers served by one event loop thread");
            // Concurrent requests for one peer join the probe in progress (held open by /gated, so the
            // second request surely arrives while the first is still waiting for its answer).
            joinGate = new java.util.concurrent.CountDownLatch(1);
            PeerTarget one = PeerTarget.of("joined-" + transport, "http://127.0.0.1:" + port + "/gated");
            CompletableFuture<ProbeResult> a = p.probe(one);
            CompletableFuture<ProbeResult> b = p.probe(one);
            // The loop runs ready I/O before queued tasks: opened now, the gate could let a's answer be read before
            // b's task runs, and b would start its own probe. A probe queued after b on the same (only) loop that has
            // completed proves b's task ran while a was still held.
            assertEquals(ProbeOutcome.UP, p.probe(PeerTarget.of("peer-0", "http://127.0.0.1:" + port + "/up"))
                    .get(10, TimeUnit.SECONDS).outcome());
            assertFalse(a.isDone(), "a is held by the gate");
            joinGate.countDown();
            assertEquals(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));
        } finally {
            close(p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void keptAliveConnectionClosedByThePeerIsReplacedWithoutError(String transport) throws Exception {
        List<Connection> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        Connection.Listener track = new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.add(connection);
            }
        };
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        connector.addEventListener(track);
        PeerProber p = transport.equals("nio") ? nio() : PeerProber.create(SETTINGS);
        try {
            PeerTarget t = PeerTarget.of("closed-idle-" + transport, "http://127.0.0.1:" + port + "/up");
            for (int round = 0; round < 6; round++) {
                ProbeResult r = p.probe(t).get(10, TimeUnit.SECONDS);
                assertEquals(ProbeOutcome.UP, r.outcome(), "round " + round + ": " + r);
                // The server closes every connection while it is idle; half the rounds probe at once (the request
                // may race the FIN), half after the FIN has surely arrived.
                for (Connection c : opened) {
                    c.getEndPoint().close();
                }
                if (round % 2 == 1) {
                    Thread.sleep(200);
                }
            }
        } finally {
            connector.removeEventListener(track);
            close(p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "\u0000\u0001\u0002\u00ff\u00fe binary\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}"})
    void nonHttpAnswerIsAnInvalidResponseError(String garbage) throws Exception {
        // Not Jetty: a service that speaks another protocol (or broken HTTP) on the health port.
        try (ServerSocket raw = new ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"));
                PeerProber p = PeerProber.create(SETTINGS)) {
            Thread server = new Thread(() -> {
                try (java.net.Socket s = raw.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write(garbage.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    Thread.sleep(5000); // keep the connection open: the probe must not wait for a close
                } catch (Exception ignored) {
                    // the probe closed the connection
                }
            }, "raw-garbage-server");
            server.setDaemon(true);
            server.start();
            ProbeResult r = p.probe(PeerTarget.of("raw", "http://127.0.0.1:" + raw.getLocalPort() + "/health")).get(10, TimeUnit.SECONDS);
            assertEquals(ProbeOutcome.ERROR, r.outcome(), r.toString());
            assertTrue(r.reason().startsWith("invalid HTTP response: "), r.reason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void connectThatNeverCompletesIsAConnectTimeout(String transport) throws Exception {
        // A local listener that never accepts, with its accept queue filled: Linux then drops further SYNs, so the
        // probe's connect hangs like one to a vanished host, without sending anything off this machine.
        ProbeSettings quickConnect = SETTINGS.withTimeouts(Duration.ofMillis(1000), SETTINGS.readTimeout());
        List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
        try (ServerSocket deaf = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            for (int i = 0; i < 16; i++) {
                java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress("127.0.0.1", deaf.getLocalPort()));
                fillers.add(c);
            }
            PeerProber p = transport.equals("nio")
                    ? new PeerProber(nioGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-nio", true), NioIoHandler.newFactory()), quickConnect)
                    : PeerProber.create(quickConnect);
            try {
                ProbeResult r = p.probe(PeerTarget.of("deaf", "http://127.0.0.1:" + deaf.getLocalPort() + "/health"))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(ProbeOutcome.ERROR, r.outcome(), r.toString());
                assertEquals("connect timeout after 1000 ms", r.reason());
            } finally {
                close(p);
            }
        } finally {
            for (java.nio.channels.SocketChannel c : fillers) {
                c.close();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void epollIsAvailableWhereTheNativeLibraryIsShipped() {
        // The pom ships netty-transport-native-epoll for linux-x86_64 only; there it must load, or we'd silently
        // run on NIO everywhere.
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
            try (PeerProber p = PeerProber.create(SETTINGS)) {
                assertEquals("epoll", p.transport());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void closedProberAnswersErrorAndTargetsValidateInput() throws Exception {
        PeerProber p = PeerProber.create(SETTINGS);
        p.close();
        assertEquals("prober is closed", p.probe(target("/up")).get(1, TimeUnit.SECONDS).reason());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PeerTarget.of("n2", "http://node2.example:8080/health"));
        assertEquals("peer n2 url: 'http://node2.example:8080/health' is not allowed; the host must be an IP address", e.getMessage());
        assertEquals(new InetSocketAddress("fd77::2", 8080), PeerTarget.of("v6", "http://[fd77::2]:8080/health/ready").address());
        assertEquals(new InetSocketAddress("192.168.77.12", 80), PeerTarget.of("v4", "http://192.168.77.12/health").address());
        for (String bad : new String[] {"http://300.1.1.1:8080/health", "http://[fd77::zz]:8080/health", "https://192.168.77.1/health"}) {
            IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> PeerTarget.of("n3", bad));
            assertTrue(x.getMessage().startsWith("peer n3 url: '" + bad + "' "), x.getMessage());
        }
        IllegalArgumentException s = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ProbeSettings(Duration.ZERO, Duration.ofSeconds(1), 4096, Duration.ofSeconds(1), 1, 1));
        assertEquals("connectTimeout: PT0S is not allowed; use a duration above 0 and at most 10 minutes", s.getMessage());
    }
}
