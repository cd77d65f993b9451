package io.selfbalance.vrrp.interop;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.selfbalance.vrrp.ChecksumMode;
import io.selfbalance.vrrp.DropReason;
import io.selfbalance.vrrp.HandoverOutcome;
import io.selfbalance.vrrp.LinuxRawTransport;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.VrrpAdvertisement;
import io.selfbalance.vrrp.VrrpListener;
import io.selfbalance.vrrp.VrrpRouter;
import io.selfbalance.vrrp.VrrpRouterSettings;
import io.selfbalance.vrrp.VrrpVersion;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real router on a real interface, for the namespace tests: {@code key=value} arguments
 * (iface, vrid, version, priority, intervalMs, vips, preempt, checksum, peers, state=file, term=graceful|stop),
 * commands on stdin ({@code resign}, {@code priority N}, {@code stop}, {@code graceful}), events on stdout,
 * the current state written to the state file on every change.
 */
public final class VrrpNodeMain {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            o.put(a.substring(0, i), a.substring(i + 1));
        }
        List<InetAddress> vips = new ArrayList<>();
        for (String v : o.get("vips").split(",")) {
            vips.add(InetAddress.getByName(v));
        }
        List<InetAddress> peers = new ArrayList<>();
        if (o.containsKey("peers") && !o.get("peers").isEmpty()) {
            for (String v : o.get("peers").split(",")) {
                peers.add(InetAddress.getByName(v));
            }
        }
        VrrpRouterSettings s = new VrrpRouterSettings(o.getOrDefault("iface", "eth0"),
                Integer.parseInt(o.getOrDefault("vrid", "51")),
                "2".equals(o.get("version")) ? VrrpVersion.V2 : VrrpVersion.V3,
                Integer.parseInt(o.getOrDefault("priority", "100")),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("intervalMs", "1000"))),
                Boolean.parseBoolean(o.getOrDefault("preempt", "true")), Duration.ZERO, vips, peers,
                ChecksumMode.valueOf(o.getOrDefault("checksum", "WITH_PSEUDO_HEADER")), null);
        Path stateFile = Path.of(o.getOrDefault("state", "/dev/null"));
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = (EventLoop) group.next();
        String name = o.getOrDefault("name", "java");
        VrrpListener listener = new VrrpListener() {
            @Override
            public void stateChanged(StateChange c) {
                say("STATE " + c.from() + " " + c.to() + " " + c.cause() + (c.peer() == null ? "" : " " + c.peer().getHostAddress()));
                try {
                    Files.writeString(stateFile, c.to() + "\n");
                } catch (Exception e) {
                    say("ERROR writing state file " + e);
                }
            }

            @Override
            public void advertisementSent(VrrpAdvertisement a, long at) {
                if (a.priority() == 0) {
                    say("SENT priority 0");
                }
            }

            @Override
            public void handoverStarted(int vrid, long at) {
                say("HANDOVER_STARTED");
            }

            @Override
            public void handoverReleased(int vrid, HandoverOutcome outcome, InetAddress newMaster, long at) {
                say("HANDOVER_RELEASED " + outcome + " " + (newMaster == null ? "-" : newMaster.getHostAddress()));
            }

            @Override
            public void packetDropped(int vrid, DropReason reason, String detail) {
                say("DROP " + reason + " " + detail);
            }

            @Override
            public void transportError(int vrid, Exception error) {
                say("TRANSPORT_ERROR " + error.getMessage());
            }

            private void say(String m) {
                System.out.println(name + " " + System.currentTimeMillis() + " " + m);
                System.out.flush();
            }
        };
        LinuxRawTransport transport = LinuxRawTransport.forSettings(s);
        VrrpRouter router = VrrpRouter.create(s, transport, loop, listener);
        String onTerm = o.getOrDefault("term", "stop");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                ("graceful".equals(onTerm) ? router.stopGracefully() : router.stop()).get(10, TimeUnit.SECONDS);
                System.out.println(name + " " + System.currentTimeMillis() + " STOPPED " + router.status());
                System.out.flush();
            } catch (Exception e) {
                System.out.println(name + " stop failed " + e);
            }
        }));
        router.start().get(10, TimeUnit.SECONDS);
        System.out.println(name + " " + System.currentTimeMillis() + " STARTED source " + transport.sourceAddress().getHostAddress());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("resign")) {
                router.resign();
            } else if (line.startsWith("priority ")) {
                router.setPriority(Integer.parseInt(line.substring(9).trim()));
            } else if (line.equals("status")) {
                System.out.println(name + " " + System.currentTimeMillis() + " STATUS " + router.status());
            } else if (line.equals("stop") || line.equals("graceful")) {
                (line.equals("stop") ? router.stop() : router.stopGracefully()).get(10, TimeUnit.SECONDS);
                System.out.println(name + " " + System.currentTimeMillis() + " STOPPED " + router.status());
                System.out.flush();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                System.exit(0);
            }
            System.out.flush();
        }
        // stdin closed: keep running until killed
        Thread.currentThread().join();
    }
}
