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
import io.selfbalance.vrrp.VrrpStatus;
import io.selfbalance.vrrp.VrrpVersion;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One JVM hosting real routers (raw-socket transport, all on one Netty event loop) in several
 * network namespaces, for the namespace tests: JVM start-up is the slow part inside UML, so one
 * process serves every scenario of a boot. Each router's sockets are opened by a thread that first
 * enters the router's namespace (setns); after that only file descriptors are used.
 *
 * <p>Launch argument: {@code dir=...} (state files {@code <id>.state}). Commands on stdin, each
 * answered by {@code DONE <command>} once complete: {@code start id=.. ns=.. key=value...} (iface,
 * vrid, version, priority, intervalMs, vips, preempt, checksum, peers, primary), {@code stop ID},
 * {@code graceful ID}, {@code resign ID}, {@code priority ID N}, {@code status ID},
 * {@code probe ID} (state, master, priorities, transitions, reassertions, drops by reason), {@code hello}, {@code exit}.
 * With {@code ack=FIFO} each command is also answered by one line there: the probe's result, or
 * {@code DONE <command>}. Events go to stdout
 * as {@code <id> <epoch ms> <event>}.
 */
public final class VrrpNodeMain {
    public static void main(String[] args) throws Exception {
        Map<String, String> launch = parse(Arrays.asList(args));
        Path dir = Path.of(launch.getOrDefault("dir", "/tmp"));
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = (EventLoop) group.next();
        Map<String, VrrpRouter> routers = new HashMap<>();
        // one reply line per command on the ack FIFO: the lab script blocks on it instead of polling the log
        PrintStream ack = launch.containsKey("ack") ? new PrintStream(new FileOutputStream(launch.get("ack")), true) : null;
        say("lab", "READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            List<String> words = Arrays.asList(line.split("\\s+"));
            String reply = "";
            try {
                switch (words.get(0)) {
                    case "start" -> {
                        Map<String, String> o = parse(words.subList(1, words.size()));
                        String id = o.get("id");
                        VrrpRouterSettings s = settings(o);
                        CompletableFuture<VrrpRouter> made = new CompletableFuture<>();
                        Thread opener = new Thread(() -> {
                            try {
                                Netns.enter(o.get("ns"));
                                LinuxRawTransport transport = LinuxRawTransport.forSettings(s);
                                transport.open();
                                VrrpRouter r = VrrpRouter.create(s, transport, loop, listener(id, dir.resolve(id + ".state")));
                                r.start().get(60, TimeUnit.SECONDS);
                                say(id, "STARTED " + s.version() + " priority " + s.priority() + " source "
                                        + transport.sourceAddress().getHostAddress() + " in " + o.get("ns"));
                                made.complete(r);
                            } catch (Throwable e) {
                                made.completeExceptionally(e);
                            }
                        }, "open-" + id);
                        opener.start();
                        routers.put(id, made.get(120, TimeUnit.SECONDS));
                    }
                    case "stop" -> routers.get(words.get(1)).stop().get(30, TimeUnit.SECONDS);
                    case "graceful" -> routers.get(words.get(1)).stopGracefully().get(30, TimeUnit.SECONDS);
                    case "resign" -> routers.get(words.get(1)).resign();
                    case "priority" -> routers.get(words.get(1)).setPriority(Integer.parseInt(words.get(2)));
                    case "status" -> say(words.get(1), "STATUS " + routers.get(words.get(1)).status());
                    case "probe" -> {
                        reply = probe(routers.get(words.get(1)).status());
                        say(words.get(1), "PROBE " + reply);
                    }
                    case "hello" -> { }
                    case "exit" -> {
                        for (Map.Entry<String, VrrpRouter> e : routers.entrySet()) {
                            e.getValue().stop().get(30, TimeUnit.SECONDS);
                            say(e.getKey(), "FINAL " + e.getValue().status());
                        }
                        say("lab", "DONE exit");
                        if (ack != null) {
                            ack.println("DONE exit");
                        }
                        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
                        System.exit(0);
                    }
                    default -> say("lab", "UNKNOWN " + line);
                }
            } catch (Exception e) {
                say("lab", "FAILED " + line + ": " + e);
                reply = "FAILED " + e;
            }
            say("lab", "DONE " + line);
            if (ack != null) {
                ack.println(reply.isEmpty() ? "DONE " + line : reply);
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static VrrpListener listener(String id, Path stateFile) {
        return new VrrpListener() {
            @Override
            public void stateChanged(StateChange c) {
                say(id, "STATE " + c.from() + " " + c.to() + " " + c.cause() + (c.peer() == null ? "" : " " + c.peer().getHostAddress()));
                try {
                    Files.writeString(stateFile, c.to() + "\n");
                } catch (Exception e) {
                    say(id, "ERROR writing state file " + e);
                }
            }

            @Override
            public void advertisementSent(VrrpAdvertisement a, long at) {
                if (a.priority() == 0) {
                    say(id, "SENT priority 0");
                }
            }

            @Override
            public void handoverStarted(int vrid, long at) {
                say(id, "HANDOVER_STARTED");
            }

            @Override
            public void handoverReleased(int vrid, HandoverOutcome outcome, InetAddress newMaster, long at) {
                say(id, "HANDOVER_RELEASED " + outcome + " " + (newMaster == null ? "-" : newMaster.getHostAddress()));
            }

            @Override
            public void masterReasserted(int vrid, InetAddress otherMaster, int otherPriority, long at) {
                say(id, "REASSERTED " + otherMaster.getHostAddress() + " " + otherPriority);
            }

            @Override
            public void packetDropped(int vrid, DropReason reason, String detail) {
                say(id, "DROP " + reason + " " + detail);
            }

            @Override
            public void transportError(int vrid, Exception error) {
                say(id, "TRANSPORT_ERROR " + error.getMessage());
            }
        };
    }

    /** The state a bad packet must not change, then the non-zero drop counters in check order. */
    static String probe(VrrpStatus st) {
        StringBuilder sb = new StringBuilder("state=").append(st.state())
                .append(" master=").append(st.masterAddress() == null ? "-" : st.masterAddress().getHostAddress())
                .append(" masterPriority=").append(st.masterPriority())
                .append(" priority=").append(st.priority())
                .append(" transitions=").append(st.transitions())
                .append(" reassertions=").append(st.reassertions())
                .append(" drops=");
        String sep = "";
        for (DropReason r : DropReason.values()) {
            if (st.dropped(r) != 0) {
                sb.append(sep).append(r).append(':').append(st.dropped(r));
                sep = ",";
            }
        }
        return sb.toString();
    }

    private static Map<String, String> parse(List<String> args) {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            if (i > 0) {
                o.put(a.substring(0, i), a.substring(i + 1));
            }
        }
        return o;
    }

    private static VrrpRouterSettings settings(Map<String, String> o) throws Exception {
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
        return new VrrpRouterSettings(o.getOrDefault("iface", "eth0"),
                Integer.parseInt(o.getOrDefault("vrid", "51")),
                "2".equals(o.get("version")) ? VrrpVersion.V2 : VrrpVersion.V3,
                Integer.parseInt(o.getOrDefault("priority", "100")),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("intervalMs", "1000"))),
                Boolean.parseBoolean(o.getOrDefault("preempt", "true")), Duration.ZERO, vips, peers,
                ChecksumMode.valueOf(o.getOrDefault("checksum", "WITH_PSEUDO_HEADER")),
                // a thread that entered another netns must name its IPv6 link-local address (see LinuxRawTransport)
                o.containsKey("primary") ? InetAddress.getByName(o.get("primary")) : null);
    }

    private static synchronized void say(String id, String m) {
        System.out.println(id + " " + System.currentTimeMillis() + " " + m);
        System.out.flush();
    }
}
