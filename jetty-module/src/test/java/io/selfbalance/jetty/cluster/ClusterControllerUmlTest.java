package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster layer on a real kernel with IPVS (user-mode-linux), two nodes on one bridge, each in its own network
 * namespace running {@link ClusterNodeMain} (the real controller, raw VRRP sockets, netlink), checked from outside
 * with {@code ip} and {@code ipvsadm}: one boot, one scenario.
 * <ol>
 * <li>n1 alone: becomes MASTER, VIP on eth0 with a finite lifetime, not on lo, IPVS wrr/DR service with itself,
 * DR sysctls set.</li>
 * <li>n2 joins: BACKUP, VIP on lo only, no IPVS service; n1's service gets n2 as a destination with weight 1.</li>
 * <li>n1 stops (SIGTERM): hands over make-before-break; n2 MASTER with the VIP and the service; n1 has no VIP
 * anywhere, no IPVS service and its sysctls back.</li>
 * <li>n2 killed (SIGKILL): its VIP expires by itself within the lifetime; the stale IPVS service stays.</li>
 * <li>n2 starts again: removes the stale service, becomes master, then stops cleanly.</li>
 * </ol>
 */
class ClusterControllerUmlTest {

    @TempDir
    Path dir;

    private Path config(String node, String address, int priority) throws Exception {
        return write(node + ".properties", List.of(
                "selfbalance.interface=eth0",
                "selfbalance.address=" + address,
                "selfbalance.vip-lifetime=5s",
                "selfbalance.drain-time=1s",
                "selfbalance.routers.main.vrid=51",
                "selfbalance.routers.main.vips=192.168.77.254/24",
                "selfbalance.routers.main.priority=" + priority,
                "selfbalance.routers.main.advert-interval=500ms",
                "selfbalance.nodes.n1.address=192.168.77.11",
                "selfbalance.nodes.n2.address=192.168.77.12",
                "selfbalance.health.probe-interval=500ms",
                "selfbalance.health.probe-timeout=400ms",
                "selfbalance.health.local-interval=500ms"));
    }

    /** Active-active: router a (VIP .253) prefers n1, router b (VIP .252) prefers n2. */
    private Path activeActive(String node, String address, int priorityA, int priorityB) throws Exception {
        return write("aa-" + node + ".properties", List.of(
                "selfbalance.interface=eth0",
                "selfbalance.address=" + address,
                "selfbalance.vip-lifetime=5s",
                "selfbalance.drain-time=1s",
                "selfbalance.routers.a.vrid=61",
                "selfbalance.routers.a.vips=192.168.77.253/24",
                "selfbalance.routers.a.priority=" + priorityA,
                "selfbalance.routers.a.advert-interval=500ms",
                "selfbalance.routers.b.vrid=62",
                "selfbalance.routers.b.vips=192.168.77.252/24",
                "selfbalance.routers.b.priority=" + priorityB,
                "selfbalance.routers.b.advert-interval=500ms",
                "selfbalance.nodes.n1.address=192.168.77.11",
                "selfbalance.nodes.n2.address=192.168.77.12",
                "selfbalance.health.probe-interval=500ms",
                "selfbalance.health.probe-timeout=400ms",
                "selfbalance.health.local-interval=500ms"));
    }

    /** IPv6: VRRP v3 over IPv6, VIP fd77::254/64, nodes fd77::11 and fd77::12. */
    private Path ipv6(String node, String address, int priority) throws Exception {
        return write("v6-" + node + ".properties", List.of(
                "selfbalance.interface=eth0",
                "selfbalance.address=" + address,
                "selfbalance.vip-lifetime=5s",
                "selfbalance.drain-time=1s",
                "selfbalance.routers.v6.vrid=63",
                "selfbalance.routers.v6.version=3",
                "selfbalance.routers.v6.vips=fd77::254/64",
                "selfbalance.routers.v6.priority=" + priority,
                "selfbalance.routers.v6.advert-interval=500ms",
                "selfbalance.nodes.n1.address=fd77::11",
                "selfbalance.nodes.n2.address=fd77::12",
                "selfbalance.health.probe-interval=500ms",
                "selfbalance.health.probe-timeout=400ms",
                "selfbalance.health.local-interval=500ms"));
    }

    private Path write(String name, List<String> lines) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, lines);
        return f;
    }

    /**
     * {@link UmlKernel#javaCommand} on a copy of this module's class directories: a build of the same module running
     * meanwhile (another test run, an IDE) may empty target/ while the nodes start inside UML.
     */
    private String node(Path config) throws Exception {
        if (classes == null) {
            classes = new java.util.ArrayList<>();
            int i = 0;
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path p = Path.of(e).toAbsolutePath().normalize();
                if (Files.isDirectory(p)) {
                    Path copy = dir.resolve("cp" + i++);
                    try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
                        for (Path from : (Iterable<Path>) walk::iterator) {
                            Path to = copy.resolve(p.relativize(from).toString());
                            if (Files.isDirectory(from)) {
                                Files.createDirectories(to);
                            } else {
                                Files.copy(from, to);
                            }
                        }
                    }
                    classes.add(new String[] {p.toString(), copy.toString()});
                }
            }
        }
        String cmd = UmlKernel.javaCommand(ClusterNodeMain.class, config.toString(), "8080");
        for (String[] c : classes) {
            cmd = cmd.replace(c[0] + java.io.File.pathSeparator, c[1] + java.io.File.pathSeparator)
                    .replace(c[0] + "'", c[1] + "'");
        }
        return cmd;
    }

    private List<String[]> classes;

    @Test
    void twoNodesTakeOverHandOverAndLeaveNothingBehind() throws Exception {
        String n1 = node(config("n1", "192.168.77.11", 150));
        String n2 = node(config("n2", "192.168.77.12", 100));
        String aa1 = node(activeActive("n1", "192.168.77.11", 150, 100));
        String aa2 = node(activeActive("n2", "192.168.77.12", 100, 150));
        String v61 = node(ipv6("n1", "fd77::11", 150));
        String v62 = node(ipv6("n2", "fd77::12", 100));
        String script = """
                VIP=192.168.77.254
                LOG=%s
                check() { if eval "$2"; then echo "CHECK PASS $1"; else echo "CHECK FAIL $1"; fi; }
                status() { ip netns exec $1 curl -s --max-time 2 http://127.0.0.1:8080/selfbalance/status; }
                await() { # node, text, seconds
                  local end=$(( $(date +%%s) + $3 ))
                  while [ $(date +%%s) -lt $end ]; do status $1 | grep -q "$2" && return 0; sleep 0.2; done
                  echo "timeout waiting for $2 on $1: $(status $1)"; tail -n 30 $LOG/$1*.log | cut -c1-300; return 1; }
                ip link add br0 type bridge && ip link set br0 up
                for n in n1 n2; do
                  ip netns add $n
                  ip link add v$n type veth peer name eth0 netns $n
                  ip link set v$n master br0 up
                  ip -n $n link set lo up && ip -n $n link set eth0 up
                done
                ip -n n1 addr add 192.168.77.11/24 dev eth0
                ip -n n2 addr add 192.168.77.12/24 dev eth0
                # stale state of an earlier run in n1: a VIP on eth0 and our IPVS service
                ip -n n1 addr add $VIP/24 dev eth0
                ip netns exec n1 ipvsadm -A -t $VIP:8080 -s rr
                ip netns exec n1 %s >$LOG/n1.log 2>&1 &
                P1=$!
                check n1-master "await n1 '\\"role\\":\\"MASTER\\"' 150"
                echo "n1 status: $(status n1)"
                ip -n n1 -o addr show dev eth0
                check n1-vip-on-eth0-with-lifetime "ip -n n1 -o addr show dev eth0 | grep \\"$VIP/24\\" | grep -Eq 'valid_lft [0-5]sec'"
                check n1-vip-not-on-lo "! ip -n n1 -o addr show dev lo | grep -q $VIP"
                ip netns exec n1 ipvsadm -Ln
                check n1-ipvs-service-wrr "ip netns exec n1 ipvsadm -Ln | grep -Eq \\"TCP  $VIP:8080 wrr\\""
                check n1-ipvs-self-dr "ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.11:8080 +Route +1 '"
                check n1-arp-sysctls "[ \\"$(ip netns exec n1 cat /proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/eth0/arp_announce | tr '\\n' ' ')\\" = '3 2 ' ]"
                check n1-ipvs-sysctls "[ \\"$(ip netns exec n1 cat /proc/sys/net/ipv4/vs/conn_reuse_mode /proc/sys/net/ipv4/vs/expire_nodest_conn | tr '\\n' ' ')\\" = '3 1 ' ]"
                sleep 2
                check n1-vip-lifetime-refreshed "ip -n n1 -o addr show dev eth0 | grep \\"$VIP/24\\" | grep -Eq 'valid_lft [3-5]sec'"

                ip netns exec n2 %s >$LOG/n2.log 2>&1 &
                P2=$!
                echo "$(date +%%T.%%N) n2 launched"
                check n2-backup "await n2 '\\"role\\":\\"BACKUP\\"' 150"
                echo "$(date +%%T.%%N) n2 backup"
                check n2-vip-on-lo-only "ip -n n2 -o addr show dev lo | grep -q \\"$VIP/32\\" && ! ip -n n2 -o addr show dev eth0 | grep -q $VIP"
                check n2-no-ipvs-service "[ -z \\"$(ip netns exec n2 ipvsadm -Ln | grep TCP)\\" ]"
                for i in $(seq 1 50); do ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.12:8080 +Route +1 ' && break; sleep 0.2; done
                ip netns exec n1 ipvsadm -Ln
                check n1-ipvs-has-n2 "ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.12:8080 +Route +1 '"
                echo "n2 status: $(status n2)"

                T1=$(date +%%s%%N)
                kill -TERM $P1; wait $P1
                T2=$(date +%%s%%N)
                echo "BENCH n1-graceful-stop-ms $(( (T2 - T1) / 1000000 ))"
                check n2-master-after-handover "await n2 '\\"role\\":\\"MASTER\\"' 10"
                check n2-took-over-on-priority-zero "status n2 | grep -q PRIORITY_ZERO_RECEIVED"
                check n2-vip-on-eth0 "ip -n n2 -o addr show dev eth0 | grep -q \\"$VIP/24\\""
                check n2-vip-off-lo "! ip -n n2 -o addr show dev lo | grep -q $VIP"
                check n2-ipvs-service "ip netns exec n2 ipvsadm -Ln | grep -Eq \\"TCP  $VIP:8080 wrr\\""
                check n1-no-vip-left "! ip -n n1 -o addr show | grep -q $VIP"
                check n1-no-ipvs-left "[ -z \\"$(ip netns exec n1 ipvsadm -Ln | grep TCP)\\" ]"
                check n1-sysctls-restored "[ \\"$(ip netns exec n1 cat /proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/eth0/arp_announce | tr '\\n' ' ')\\" = '0 0 ' ]"
                check n1-ipvs-sysctls-restored "[ \\"$(ip netns exec n1 cat /proc/sys/net/ipv4/vs/conn_reuse_mode /proc/sys/net/ipv4/vs/expire_nodest_conn | tr '\\n' ' ')\\" = '1 0 ' ]"
                grep -E 'NODE-STOPPED|handover' $LOG/n1.log | cut -c1-300

                kill -KILL $P2; wait $P2 2>/dev/null
                check n2-vip-still-there-after-kill "ip -n n2 -o addr show dev eth0 | grep -q \\"$VIP/24\\""
                sleep 6.5
                check n2-vip-expired-after-lifetime "! ip -n n2 -o addr show dev eth0 | grep -q $VIP"
                check n2-stale-ipvs-service-left-by-kill "ip netns exec n2 ipvsadm -Ln | grep -q TCP"

                ip netns exec n2 %s >$LOG/n2b.log 2>&1 &
                P2=$!
                check n2-restart-master "await n2 '\\"role\\":\\"MASTER\\"' 150"
                check n2-restart-one-clean-service "[ \\"$(ip netns exec n2 ipvsadm -Ln | grep -c TCP)\\" = 1 ] && ip netns exec n2 ipvsadm -Ln | grep -Eq \\"TCP  $VIP:8080 wrr\\""
                kill -TERM $P2; wait $P2
                check n2-clean-after-stop "! ip -n n2 -o addr show | grep -q $VIP && [ -z \\"$(ip netns exec n2 ipvsadm -Ln | grep TCP)\\" ]"
                echo "--- n1 log"; tail -n 40 $LOG/n1.log | cut -c1-400
                echo "--- n2b log"; tail -n 25 $LOG/n2b.log | cut -c1-400

                # ---- active-active: router a (VIP .253) prefers n1, router b (VIP .252) prefers n2
                role() { status $1 | grep -q "\\"name\\":\\"$2\\",\\"vrid\\":$3,\\"role\\":\\"$4\\""; }
                awaitRole() { # node router vrid role seconds
                  local end=$(( $(date +%%s) + $5 ))
                  while [ $(date +%%s) -lt $end ]; do role $1 $2 $3 $4 && return 0; sleep 0.2; done
                  echo "timeout waiting for $2 $4 on $1: $(status $1)"; return 1; }
                services() { ip netns exec $1 ipvsadm -Ln | grep -E '^(TCP|UDP)' | awk '{print $2}' | sort | tr '\n' ' '; }
                ip netns exec n1 %s >$LOG/aa1.log 2>&1 &
                P1=$!
                ip netns exec n2 %s >$LOG/aa2.log 2>&1 &
                P2=$!
                check aa-n1-master-of-a "awaitRole n1 a 61 MASTER 150"
                check aa-n2-master-of-b "awaitRole n2 b 62 MASTER 150"
                check aa-n1-backup-of-b "awaitRole n1 b 62 BACKUP 20"
                check aa-n2-backup-of-a "awaitRole n2 a 61 BACKUP 20"
                ip -n n1 -o -4 addr show; ip -n n2 -o -4 addr show; echo "n1: $(services n1) n2: $(services n2)"
                check aa-n1-vips "ip -n n1 -o addr show dev eth0 | grep -q 192.168.77.253/24 && ip -n n1 -o addr show dev lo | grep -q 192.168.77.252/32 && ! ip -n n1 -o addr show dev eth0 | grep -q 192.168.77.252"
                check aa-n2-vips "ip -n n2 -o addr show dev eth0 | grep -q 192.168.77.252/24 && ip -n n2 -o addr show dev lo | grep -q 192.168.77.253/32 && ! ip -n n2 -o addr show dev eth0 | grep -q 192.168.77.253"
                check aa-ipvs-each-its-own "[ \\"$(services n1)\\" = '192.168.77.253:8080 ' ] && [ \\"$(services n2)\\" = '192.168.77.252:8080 ' ]"
                kill -TERM $P1; wait $P1
                check aa-n2-master-of-both "awaitRole n2 a 61 MASTER 10 && role n2 b 62 MASTER"
                ip -n n2 -o -4 addr show; echo "n2: $(services n2)"
                check aa-n2-holds-both "ip -n n2 -o addr show dev eth0 | grep -q 192.168.77.253/24 && ip -n n2 -o addr show dev eth0 | grep -q 192.168.77.252/24 && ! ip -n n2 -o addr show dev lo | grep -qE '192.168.77.25[23]'"
                check aa-n2-both-services "[ \\"$(services n2)\\" = '192.168.77.252:8080 192.168.77.253:8080 ' ]"
                check aa-n1-nothing-left "! ip -n n1 -o addr show | grep -qE '192.168.77.25[23]' && [ -z \\"$(services n1)\\" ]"
                kill -TERM $P2; wait $P2
                check aa-n2-nothing-left "! ip -n n2 -o addr show | grep -qE '192.168.77.25[23]' && [ -z \\"$(services n2)\\" ]"

                # ---- IPv6: VRRP v3 over IPv6, VIP fd77::254/64
                ip -n n1 addr add fd77::11/64 dev eth0 nodad
                ip -n n2 addr add fd77::12/64 dev eth0 nodad
                ip netns exec n1 %s >$LOG/v61.log 2>&1 &
                P1=$!
                check v6-n1-master "awaitRole n1 v6 63 MASTER 150"
                ip netns exec n2 %s >$LOG/v62.log 2>&1 &
                P2=$!
                check v6-n2-backup "awaitRole n2 v6 63 BACKUP 150"
                ip -n n1 -6 -o addr show; ip -n n2 -6 -o addr show; ip netns exec n1 ipvsadm -Ln
                check v6-n1-vip-on-eth0-with-lifetime "ip -n n1 -6 -o addr show dev eth0 | grep 'fd77::254/64' | grep -Eq 'valid_lft [0-5]sec'"
                check v6-n1-vip-not-on-lo "! ip -n n1 -6 -o addr show dev lo | grep -q fd77::254"
                check v6-n1-ipvs-service "ip netns exec n1 ipvsadm -Ln | grep -q 'TCP  \\[fd77::254\\]:8080 wrr'"
                check v6-n1-ipvs-self-dr "ip netns exec n1 ipvsadm -Ln | grep -Eq '\\[fd77::11\\]:8080 +Route +1 '"
                for i in $(seq 1 50); do ip netns exec n1 ipvsadm -Ln | grep -Eq '\\[fd77::12\\]:8080 +Route +1 ' && break; sleep 0.2; done
                check v6-n1-ipvs-has-n2 "ip netns exec n1 ipvsadm -Ln | grep -Eq '\\[fd77::12\\]:8080 +Route +1 '"
                check v6-n2-vip-on-lo-deprecated "ip -n n2 -6 -o addr show dev lo | grep 'fd77::254/128' | grep -q 'preferred_lft 0sec' && ! ip -n n2 -6 -o addr show dev eth0 | grep -q fd77::254"
                check v6-n2-no-ipvs "[ -z \\"$(services n2)\\" ]"
                kill -TERM $P1; wait $P1
                check v6-n2-master-after-handover "awaitRole n2 v6 63 MASTER 10"
                check v6-n2-vip-on-eth0 "ip -n n2 -6 -o addr show dev eth0 | grep -q 'fd77::254/64' && ! ip -n n2 -6 -o addr show dev lo | grep -q fd77::254"
                check v6-n2-ipvs-service "ip netns exec n2 ipvsadm -Ln | grep -q 'TCP  \\[fd77::254\\]:8080 wrr'"
                check v6-n1-nothing-left "! ip -n n1 -6 -o addr show | grep -q fd77::254 && [ -z \\"$(services n1)\\" ]"
                kill -TERM $P2; wait $P2
                check v6-n2-nothing-left "! ip -n n2 -6 -o addr show | grep -q fd77::254 && [ -z \\"$(services n2)\\" ]"

                # ---- kernel errors: the data plane refused; the node stays up, serves HTTP, is never master
                refused() { # label, log, expected text in the reason
                  check $1-inactive-with-reason "await n1 '\\"state\\":\\"INACTIVE\\"' 150 && status n1 | grep -q \\"$3\\""
                  sleep 2
                  check $1-still-running "kill -0 $P1"
                  check $1-not-master "! status n1 | grep -q '\\"role\\":\\"MASTER\\"' && ! ip -n n1 -o addr show | grep -q 192.168.77.254"
                  ip netns exec n1 curl -s http://127.0.0.1:8080/health/ready; echo
                  check $1-readiness-down "[ \\"$(ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:8080/health/ready)\\" = 503 ] && ip netns exec n1 curl -s http://127.0.0.1:8080/health/ready | grep -q '\\"name\\":\\"selfbalance-data-plane\\",\\"status\\":\\"DOWN\\"'"
                  check $1-liveness-up "[ \\"$(ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:8080/health/live)\\" = 200 ]"
                  grep -E 'ERROR' $2 | cut -c1-400
                  check $1-one-error-line "[ \\"$(grep -c 'ERROR' $2)\\" = 1 ] && grep 'ERROR' $2 | grep -q \\"$3\\""
                  kill -TERM $P1; wait $P1
                }
                # no CAP_NET_ADMIN (root without capabilities)
                ip netns exec n1 setpriv --inh-caps=-all --bounding-set=-all %s >$LOG/eperm.log 2>&1 &
                P1=$!
                refused eperm $LOG/eperm.log 'read IPVS version failed: Operation not permitted (EPERM, errno 1)'
                # no IPVS in the kernel: modules removed, not loadable (no modprobe path for the kernel's request)
                for n in n1 n2; do ip netns exec $n ipvsadm -C; done # (checked empty above) nothing may hold the module
                rmmod ip_vs_mh ip_vs_sh ip_vs_wlc ip_vs_lc ip_vs_wrr ip_vs_rr ip_vs
                check no-ipvs-module "! grep -q '^ip_vs ' /proc/modules"
                ip netns exec n1 %s >$LOG/noipvs.log 2>&1 &
                P1=$!
                refused noipvs $LOG/noipvs.log 'IPVS is not available in this kernel'
                check noipvs-errno-named "grep 'ERROR' $LOG/noipvs.log | grep -q 'errno 2'"
                echo CHECKS-DONE
                """.formatted(dir, n1, n2, n2, aa1, aa2, v61, v62, n1, n1);
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(20));
        System.out.println(r.output());
        assertEquals(List.of(), r.linesStartingWith("CHECK FAIL "), r.output());
        assertEquals(1, r.linesStartingWith("CHECKS-DONE").size(), "the scenario did not finish:\n" + r.output());
        assertTrue(r.linesStartingWith("CHECK PASS ").size() >= 60, r.output());
    }
}
