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
        Path f = dir.resolve(node + ".properties");
        Files.write(f, List.of(
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
        return f;
    }

    @Test
    void twoNodesTakeOverHandOverAndLeaveNothingBehind() throws Exception {
        String n1 = UmlKernel.javaCommand(ClusterNodeMain.class, config("n1", "192.168.77.11", 150).toString(), "8080");
        String n2 = UmlKernel.javaCommand(ClusterNodeMain.class, config("n2", "192.168.77.12", 100).toString(), "8080");
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
                echo CHECKS-DONE
                """.formatted(dir, n1, n2, n2);
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(20));
        System.out.println(r.output());
        assertEquals(List.of(), r.linesStartingWith("CHECK FAIL "), r.output());
        assertEquals(1, r.linesStartingWith("CHECKS-DONE").size(), "the scenario did not finish:\n" + r.output());
        assertTrue(r.linesStartingWith("CHECK PASS ").size() >= 22, r.output());
    }
}
