package io.selfbalance.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * What the drain relies on when it shuts Jetty's connectors down once the master gave this node weight 0
 * ({@code SelfbalanceLifeCycle.closeKeepAliveConnections}): a request already running completes normally, a
 * keep-alive client is told {@code Connection: close} on its next response (so it reconnects through the VIP to
 * another node), and an idle keep-alive connection is closed by the server instead of holding the drain.
 */
class ConnectorShutdownDrainTest {

    @Test
    void shutDownConnectorsFinishRunningRequestsAndCloseKeepAliveConnections() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setShutdownIdleTimeout(500);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String q = request.getHttpURI().getQuery();
                if (q != null && q.startsWith("ms=")) {
                    Thread.sleep(Long.parseLong(q.substring(3))); // a slow request without any I/O while it runs
                }
                response.getHeaders().put("Content-Type", "text/plain");
                response.write(true, java.nio.ByteBuffer.wrap("done".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
        int port = connector.getLocalPort();
        try (Socket busy = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket keepAlive = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket idle = new Socket(InetAddress.getLoopbackAddress(), port)) {
            for (Socket s : new Socket[] {busy, keepAlive, idle}) {
                s.setSoTimeout(10_000);
            }
            // before the drain: keep-alive works
            assertTrue(exchange(keepAlive, "/").contains("done"));
            assertTrue(exchange(idle, "/").contains("done"));
            CompletableFuture<String> slow = exchangeAsync(busy, "/?ms=2000");
            // a keep-alive client whose request is being served when the drain begins
            CompletableFuture<String> during = exchangeAsync(keepAlive, "/?ms=600");
            Thread.sleep(300);
            long shutdownAt = System.nanoTime();
            for (Connector c : server.getConnectors()) {
                c.shutdown();
            }
            String next = during.get(10, TimeUnit.SECONDS);
            assertTrue(next.startsWith("HTTP/1.1 200"), next);
            assertTrue(next.toLowerCase().contains("connection: close"), "a response during the drain closes its connection: " + next);
            assertEquals(-1, keepAlive.getInputStream().read(), "the server closed the keep-alive connection after that response");
            String slowAnswer = slow.get(10, TimeUnit.SECONDS);
            assertTrue(slowAnswer.startsWith("HTTP/1.1 200") && slowAnswer.endsWith("done"),
                    "the request running when the connectors shut down completes: " + slowAnswer);
            assertEquals(-1, idle.getInputStream().read(), "an idle keep-alive connection is closed by the server");
            long idleClosedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shutdownAt);
            assertTrue(idleClosedMs < 5_000, "idle connection closed after " + idleClosedMs + " ms, not held for the whole drain");
        } finally {
            server.stop();
        }
    }

    private static CompletableFuture<String> exchangeAsync(Socket s, String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return exchange(s, path);
            } catch (Exception e) {
                return "failed: " + e;
            }
        });
    }

    /** One HTTP/1.1 request with keep-alive; returns the status line, headers and body. */
    private static String exchange(Socket s, String path) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String h = head.toString(StandardCharsets.US_ASCII);
            if (h.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.US_ASCII);
    }
}
