package io.selfbalance.vrrp;

import static io.selfbalance.vrrp.VrrpCodecTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The router on a real Netty event loop: every callback and every send happens on the loop thread. */
class NettyControlLoopTest {

    @Test
    void routerRunsOnTheEventLoop() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = (EventLoop) group.next();
            List<String> offLoop = new CopyOnWriteArrayList<>();
            CountDownLatch fiveAdverts = new CountDownLatch(5);
            List<byte[]> sent = new CopyOnWriteArrayList<>();
            VrrpTransport transport = new VrrpTransport() {
                @Override
                public void start(Consumer<ReceivedDatagram> receiver, Consumer<Exception> errors) {}

                @Override
                public void send(byte[] message, InetAddress destination) {
                    if (!loop.inEventLoop()) {
                        offLoop.add("send");
                    }
                    sent.add(message);
                }

                @Override
                public InetAddress sourceAddress() {
                    return ip("192.168.77.1");
                }

                @Override
                public void close() {}
            };
            VrrpListener listener = new VrrpListener() {
                @Override
                public void stateChanged(StateChange c) {
                    if (!loop.inEventLoop()) {
                        offLoop.add("stateChanged");
                    }
                }

                @Override
                public void advertisementSent(VrrpAdvertisement a, long at) {
                    if (!loop.inEventLoop()) {
                        offLoop.add("advertisementSent");
                    }
                    fiveAdverts.countDown();
                }
            };
            VrrpRouter r = VrrpRouter.create(VrrpRouterSettings.v3("eth0", 9, 255, Duration.ofMillis(10),
                    List.of(ip("192.168.77.254"))), transport, loop, listener);
            r.start().get(10, TimeUnit.SECONDS);
            assertTrue(fiveAdverts.await(30, TimeUnit.SECONDS), "five adverts from the address owner");
            r.stop().get(10, TimeUnit.SECONDS);
            assertEquals(VrrpState.INITIALIZE, r.status().state());
            assertEquals(List.of(), offLoop);
            assertEquals(0, sent.get(sent.size() - 1)[2], "last advert has priority 0");
            assertTrue(sent.size() >= 6);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
