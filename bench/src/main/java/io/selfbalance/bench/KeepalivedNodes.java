package io.selfbalance.bench;

import io.selfbalance.lab.BenchLab;
import io.selfbalance.lab.LabSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The reference: keepalived 2.2.7 (Debian) on the lab's nodes, configured as the classic keepalived
 * "self load balanced" LVS-DR cluster, with the same VIP, VRID, priorities, weights, advertisement
 * interval and health timers as the Selfbalance nodes.
 *
 * <ul>
 * <li>{@code vrrp_instance} (VRRPv3, state BACKUP everywhere, priorities 150/100/50, preempting) moves the
 *     VIP onto the master's eth0; every node also holds the VIP on {@code lo} scope host with
 *     arp_ignore=3/arp_announce=2, so backups accept the packets the master forwards by direct routing.</li>
 * <li>{@code virtual_server VIP 8080 { lvs_sched wrr; lvs_method DR }} with one {@code real_server} per
 *     node, each checked by {@code HTTP_GET /health/ready} every probe interval, {@code retry fall-1}
 *     ({@code inhibit_on_failure}: a failed server gets weight 0, as Selfbalance does).</li>
 * <li>Every keepalived programs its own IPVS table; {@code lvs_sync_daemon} plus the kernel's
 *     {@code net.ipv4.vs.backup_only=1} switch the director off on backups (otherwise a backup would
 *     balance the master's forwarded packets again: the classic DR loop).</li>
 * <li>Health DOWN of the master: a {@code vrrp_script} on the same switch file as the real server's
 *     readiness ({@code interval} = probe interval, {@code fall}/{@code rise} as the probes) puts the
 *     instance in FAULT, which makes keepalived send priority 0.</li>
 * </ul>
 * The real servers are light stand-ins (a small python3 HTTP server per node answering
 * {@code /api/whoami} with the node's name and {@code /health/ready} by the switch file), not Jetty:
 * the VIP path (VRRP, ARP, IPVS wrr/DR, lo VIP) is the same, only the server behind it is lighter.
 */
final class KeepalivedNodes {

    static final String PYTHON = "/usr/bin/python3";

    private final BenchLab lab;
    private final LabSettings s;
    private final Path dir;

    KeepalivedNodes(BenchLab lab, Path dir) {
        this.lab = lab;
        this.s = lab.settings();
        this.dir = dir;
    }

    private Path downFile(String node) {
        return dir.resolve("down-" + node);
    }

    private Path pid(String node, String what) {
        return dir.resolve(what + "-" + node + ".pid");
    }

    /** Writes the configurations and the stand-in server; sets the node namespaces' sysctls and lo VIPs. */
    void prepare() {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.py"), SERVER);
            for (int i = 0; i < s.nodes(); i++) {
                String n = s.name(i);
                Path ready = dir.resolve("ready-" + n + ".sh");
                Files.writeString(ready, "#!/bin/sh\n# readiness of " + n + " for keepalived's vrrp_script: the same switch file as the server's\n"
                        + "[ ! -e " + downFile(n) + " ]\n");
                ready.toFile().setExecutable(true);
                Files.writeString(dir.resolve("keepalived-" + n + ".conf"), config(i, ready));
                Files.deleteIfExists(downFile(n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keepalived configuration under " + dir, e);
        }
        StringBuilder sh = new StringBuilder("set -e\n");
        for (String n : s.names()) {
            sh.append("ip netns exec ").append(n).append(" sysctl -q -w net.ipv4.conf.all.arp_ignore=3 net.ipv4.conf.all.arp_announce=2")
                    .append(" net.ipv4.conf.eth0.arp_ignore=3 net.ipv4.conf.eth0.arp_announce=2 net.ipv4.vs.backup_only=1\n")
                    .append("ip -n ").append(n).append(" addr add ").append(s.vip()).append("/32 dev lo scope host\n");
        }
        run(sh.toString());
    }

    String config(int i, Path readyScript) {
        String n = s.name(i);
        double advertS = s.advertMs() / 1000.0;
        long probeS = Math.max(1, s.probeIntervalMs() / 1000);
        StringBuilder c = new StringBuilder();
        c.append("# keepalived for bench node ").append(n).append(" (written by the bench)\n")
                .append("global_defs {\n  router_id ").append(n).append("\n  script_user root\n  enable_script_security\n")
                .append("  lvs_sync_daemon eth0 VI_1\n}\n")
                .append("vrrp_script ready {\n  script \"").append(readyScript).append("\"\n  interval ").append(probeS)
                // a fork of /bin/sh can take over a second on user-mode-linux's one trapped CPU: a script that times out
                // counts as failed, so give it 3 s (detection stays interval x fall: a DOWN run fails at once)
                .append("\n  timeout 3\n  fall ").append(s.probeFall()).append("\n  rise ").append(s.probeRise()).append("\n}\n")
                .append("vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id ").append(s.vrid())
                .append("\n  priority ").append(s.priorities().get(i))
                .append("\n  advert_int ").append(String.format(Locale.ROOT, "%.2f", advertS))
                .append("\n  version 3\n  virtual_ipaddress {\n    ").append(s.vip()).append("/24 dev eth0\n  }\n")
                .append("  track_script {\n    ready\n  }\n}\n")
                .append("virtual_server ").append(s.vip()).append(' ').append(s.port()).append(" {\n  delay_loop ").append(probeS)
                .append("\n  lvs_sched wrr\n  lvs_method DR\n  protocol TCP\n");
        for (int k = 0; k < s.nodes(); k++) {
            c.append("  real_server ").append(s.address(k)).append(' ').append(s.port()).append(" {\n    weight ")
                    .append(s.weights().get(k)).append("\n    inhibit_on_failure\n    HTTP_GET {\n      url {\n        path /health/ready\n")
                    .append("        status_code 200\n      }\n      connect_timeout ").append(probeS)
                    .append("\n      retry ").append(Math.max(0, s.probeFall() - 1)).append("\n      delay_before_retry ").append(probeS)
                    .append("\n    }\n  }\n");
        }
        return c.append("}\n").toString();
    }

    void startServer(String node) {
        run("ip netns exec " + node + " " + PYTHON + " " + dir.resolve("server.py") + " " + node + " " + s.port() + " "
                + downFile(node) + " </dev/null >>" + dir.resolve("server-" + node + ".log") + " 2>&1 &\n"
                + "echo $! > " + pid(node, "server") + "\n");
    }

    void startKeepalived(String node) {
        run("rm -f " + pid(node, "keepalived") + " " + pid(node, "vrrp") + " " + pid(node, "checkers") + "\n"
                + "ip netns exec " + node + " keepalived -n -G -D -f " + dir.resolve("keepalived-" + node + ".conf")
                + " -p " + pid(node, "keepalived") + " -r " + pid(node, "vrrp") + " -c " + pid(node, "checkers")
                + " </dev/null >>" + dir.resolve("keepalived-" + node + ".log") + " 2>&1 &\n");
    }

    void start(String node) {
        startServer(node);
        startKeepalived(node);
    }

    /** SIGTERM to keepalived (it sends priority 0 and removes its VIP and IPVS table); the server keeps serving. */
    void stopKeepalived(String node) {
        run("kill -TERM $(cat " + pid(node, "keepalived") + ")\n");
    }

    /** SIGKILL to every keepalived process of the node and to its server: the node's software dies at once. */
    void killAll(String node) {
        run("kill -KILL $(cat " + pid(node, "keepalived") + " " + pid(node, "vrrp") + " " + pid(node, "checkers") + " "
                + pid(node, "server") + " 2>/dev/null) 2>/dev/null; true\n");
    }

    /** After {@link #killAll}: keepalived left its VIP on eth0 and its IPVS table; clear them before restarting. */
    void cleanAfterKill(String node) {
        run("ip -n " + node + " addr del " + s.vip() + "/24 dev eth0 2>/dev/null; ip netns exec " + node + " ipvsadm -C; ip netns exec " + node
                + " ipvsadm --stop-daemon master; ip netns exec " + node + " ipvsadm --stop-daemon backup; true\n");
    }

    /** keepalived's parent removes its pid file when its children are gone. */
    void waitGone(String node) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline && Files.exists(pid(node, "keepalived"))) {
            sleep(50);
        }
    }

    void setReady(String node, boolean ready) {
        try {
            if (ready) {
                Files.deleteIfExists(downFile(node));
            } else {
                Files.writeString(downFile(node), "DOWN\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot switch readiness of " + node, e);
        }
    }

    /** The pids of the node's keepalived processes (parent, vrrp, checkers). */
    long[] keepalivedPids(String node) {
        long[] p = new long[3];
        String[] what = {"keepalived", "vrrp", "checkers"};
        for (int i = 0; i < 3; i++) {
            try {
                p[i] = Long.parseLong(Files.readString(pid(node, what[i])).trim());
            } catch (IOException | NumberFormatException e) {
                p[i] = -1;
            }
        }
        return p;
    }

    void stopAll() {
        StringBuilder sh = new StringBuilder();
        for (String n : s.names()) {
            sh.append("kill -TERM $(cat ").append(pid(n, "keepalived")).append(" ").append(pid(n, "server"))
                    .append(" 2>/dev/null) 2>/dev/null\n");
        }
        sh.append("sleep 2\n");
        for (String n : s.names()) {
            sh.append("kill -KILL $(cat ").append(pid(n, "keepalived")).append(" ").append(pid(n, "vrrp")).append(" ")
                    .append(pid(n, "checkers")).append(" ").append(pid(n, "server")).append(" 2>/dev/null) 2>/dev/null\n");
        }
        sh.append("true\n");
        run(sh.toString());
    }

    private static void run(String script) {
        BenchLab.Shell o = BenchLab.sh(60_000, script);
        if (o.exitCode() != 0) {
            throw new IllegalStateException("command failed (exit " + o.exitCode() + "):\n" + script + "\n" + o.text());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The stand-in real server: one process, one connection at a time, HTTP/1.0, close after each answer. */
    static final String SERVER = """
            # bench stand-in real server: GET /api/whoami -> {"node":NAME}; GET /health/ready -> 200, or 503 while DOWN_FILE exists
            import os, socket, sys
            name, port, down = sys.argv[1], int(sys.argv[2]), sys.argv[3]
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            s.listen(256)
            while True:
                c, _ = s.accept()
                try:
                    c.settimeout(2)
                    req = c.recv(2048).split(b" ", 2)
                    path = req[1].decode() if len(req) > 1 else "/"
                    if path.startswith("/health/ready"):
                        ok = not os.path.exists(down)
                        body = b'{"status":"UP"}' if ok else b'{"status":"DOWN"}'
                        status = b"200 OK" if ok else b"503 Service Unavailable"
                    else:
                        body = ('{"node":"%s"}' % name).encode()
                        status = b"200 OK"
                    c.sendall(b"HTTP/1.0 " + status + b"\\r\\nContent-Type: application/json\\r\\nContent-Length: "
                              + str(len(body)).encode() + b"\\r\\nConnection: close\\r\\n\\r\\n" + body)
                except Exception:
                    pass
                finally:
                    c.close()
            """;
}
