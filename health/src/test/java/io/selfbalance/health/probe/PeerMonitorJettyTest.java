package io.selfbalance.health.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;

import io.selfbalance.health.policy.RiseFall;

/** Rise/fall counting per peer while a real Jetty node turns unhealthy and healthy again. */
class PeerMonitorJettyTest {

    @Test
    void peerGoesDownAfterFallAndUpAfterRise() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean up = healthy.get();
                response.setStatus(up ? 200 : 503);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                Content.Sink.write(response, true, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"checks\":[]}", callback);
                return true;
            }
        });
        server.start();
        MultiThreadIoEventLoopGroup control = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventExecutor controlLoop = control.next();
        ProbeSettings settings = new ProbeSettings(Duration.ofSeconds(10), Duration.ofSeconds(10), 4096,
                Duration.ofMillis(50), 3, 2);
        PeerProber prober = new PeerProber(control, settings); // the prober shares the control-plane loop
        List<PeerMonitor.PeerState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean offLoop = new AtomicBoolean();
        PeerMonitor monitor = new PeerMonitor(prober, controlLoop, s -> {
            offLoop.compareAndSet(false, !controlLoop.inEventLoop());
            seen.add(s);
        });
        PeerTarget node2 = PeerTarget.of("node2", "http://127.0.0.1:" + connector.getLocalPort() + "/health/ready");
        try {
            monitor.setPeers(List.of(node2));
            monitor.start();
            awaitState(monitor, RiseFall.State.UP);
            healthy.set(false);
            awaitState(monitor, RiseFall.State.DOWN);
            healthy.set(true);
            awaitState(monitor, RiseFall.State.UP);
        } finally {
            monitor.close();
            prober.close();
            control.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            server.stop();
        }
        assertTrue(!offLoop.get(), "the listener always runs on the control loop");
        // Check the counting on the recorded sequence: every change needs `fall` (2) DOWNs or `rise` (3) UPs in a row.
        List<PeerMonitor.PeerState> changes = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            PeerMonitor.PeerState s = seen.get(i);
            if (!s.changed()) {
                continue;
            }
            changes.add(s);
            if (i == 0) {
                assertEquals(RiseFall.State.UP, s.state(), "first result decides");
                continue;
            }
            int needed = s.state() == RiseFall.State.DOWN ? 2 : 3;
            for (int k = 0; k < needed; k++) {
                assertEquals(s.state() == RiseFall.State.UP, seen.get(i - k).last().outcome() == ProbeOutcome.UP,
                        "result " + (i - k) + " before change " + i);
            }
            assertTrue(seen.get(i - needed).state() != s.state());
        }
        assertEquals(3, changes.size(), seen.toString());
        long reused = seen.stream().filter(s -> s.last().reusedConnection()).count();
        assertTrue(reused >= seen.size() - 2, "probes reuse the kept-alive connection: " + reused + "/" + seen.size());
    }

    private static void awaitState(PeerMonitor monitor, RiseFall.State wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            PeerMonitor.PeerState s = monitor.snapshot().get("node2");
            if (s != null && s.state() == wanted) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("node2 never became " + wanted + ": " + monitor.snapshot());
    }
}
