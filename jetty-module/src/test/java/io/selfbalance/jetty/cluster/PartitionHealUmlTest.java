package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition, heal and process faults of the whole cluster layer on a real kernel (user-mode-linux, IPVS): three
 * {@link ClusterNodeMain} nodes (n1 150, n2 100, n3 50; VRRP every 1 s, VIP lifetime 5 s) and a client
 * namespace on one bridge, one boot.
 * <ol>
 * <li>Partition: n1's port leaves the bridge; n2 takes over, so both n1 and n2 are MASTER with the VIP on eth0; the
 * client (on n2's side) resolves the VIP to n2's MAC.</li>
 * <li>Heal: n1's port back. Exactly one master (n1) within two advertisement intervals, measured from the heal to
 * n2's MASTER -> BACKUP transition in its status; n2 has the VIP on lo only and no IPVS service; the client's
 * neighbour entry for the VIP points to n1's MAC again (n1 heard n2's lower-priority advertisement, answered it and
 * re-announced the VIP, RFC 9568 6.4.3); IPVS service only on n1.</li>
 * <li>kill -9 of the backup n3: the master gives it weight 0 after {@code fall} failed probes.</li>
 * <li>kill -9 of the master n1: n2 takes over (Master_Down_Interval), n1's VIP leaves its eth0 within its lifetime
 * by itself, and the client is served by n2 through the VIP.</li>
 * </ol>
 */
class PartitionHealUmlTest {
    private static final Pattern HEAL_AT = Pattern.compile("HEAL_AT (\\d+)");
    private static final Pattern TRANSITION = Pattern.compile(
            "\\{\"router\":\"main\",\"vrid\":51,\"from\":\"(\\w+)\",\"to\":\"(\\w+)\",\"cause\":\"(\\w+)\",\"peer\":(?:null|\"[^\"]*\"),\"at\":\"([^\"]+)\"}");

    @TempDir
    Path dir;

    private Path config(String node, int priority) throws Exception {
        Path f = dir.resolve(node + ".properties");
        Files.write(f, List.of(
                "selfbalance.interface=eth0",
                "selfbalance.address=192.168.77.1" + node.charAt(1),
                "selfbalance.vip-lifetime=5s",
                "selfbalance.drain-time=1s",
                "selfbalance.routers.main.vrid=51",
                "selfbalance.routers.main.vips=192.168.77.254/24",
                "selfbalance.routers.main.priority=" + priority,
                "selfbalance.routers.main.advert-interval=1s",
                "selfbalance.nodes.n1.address=192.168.77.11",
                "selfbalance.nodes.n2.address=192.168.77.12",
                "selfbalance.nodes.n3.address=192.168.77.13",
                "selfbalance.health.probe-interval=500ms",
                "selfbalance.health.probe-timeout=400ms",
                "selfbalance.health.local-interval=500ms"));
        return f;
    }

    @Test
    void partitionHealsToOneMasterAndKilledNodesAreReplaced() throws Exception {
        String n1 = UmlKernel.javaCommand(ClusterNodeMain.class, config("n1", 150).toString(), "8080");
        String n2 = UmlKernel.javaCommand(ClusterNodeMain.class, config("n2", 100).toString(), "8080");
        String n3 = UmlKernel.javaCommand(ClusterNodeMain.class, config("n3", 50).toString(), "8080");
        String script = """
                VIP=192.168.77.254
                LOG=%s
                M1=02:00:00:00:00:11; M2=02:00:00:00:00:12
                export JAVA_TOOL_OPTIONS="-Xmx64m -Xss512k"
                now_ms() { echo $(( ${EPOCHREALTIME/[.,]/} / 1000 )); }
                check() { if eval "$2"; then echo "CHECK PASS $1"; else echo "CHECK FAIL $1"; fi; }
                status() { ip netns exec $1 curl -s --max-time 8 http://127.0.0.1:8080/selfbalance/status; }
                until_ok() { # seconds, command...: polls every 0.2 s
                  local end=$(( $(now_ms) + $1 * 1000 )); shift
                  while ! "$@" >/dev/null 2>&1; do [ $(now_ms) -ge $end ] && return 1; sleep 0.2; done; return 0; }
                role() { status $1 | grep -o '"role":"[A-Z]*"' | cut -d'"' -f4; }
                role_is() { [ "$(role $1)" = $2 ]; }
                await() { # node role seconds
                  until_ok $3 role_is $1 $2 && return 0
                  echo "timeout waiting for $2 on $1: $(status $1)"; tail -n 30 $LOG/$1.log | cut -c1-300; return 1; }
                client_mac() { ip -n c neigh show $VIP dev eth0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2; }
                client_mac_is() { [ "$(client_mac)" = $1 ]; }
                vip_on_eth0() { ip -n $1 -o addr show dev eth0 | grep -q " $VIP/24"; }
                no_vip_on_eth0() { ! vip_on_eth0 $1; }
                weights_1() { [ $(ip netns exec n1 ipvsadm -Ln | grep -Ec "$1:8080 +Route +1 ") = $2 ]; }
                n3_weight_0() { ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.13:8080 +Route +0 '; }
                no_service() { [ -z "$(ip netns exec $1 ipvsadm -Ln | grep TCP)" ]; }
                client_get() { ip netns exec c curl -s --max-time 5 -o /dev/null http://$VIP:8080/health/ready; }
                served_by() { ip netns exec c curl -s --max-time 5 http://$VIP:8080/selfbalance/status | grep -q '"node":"'$1'"'; }
                roles_are() { [ "$(role n1) $(role n2) $(role n3)" = "$1" ]; }
                n3_down() { status n1 | grep -Eq '"name":"n3",[^}]*"health":"DOWN","weight":0'; }
                cause_is() { status $1 | grep -q '"lastCause":"'$2'"'; }
                ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up
                mk() { # ns address mac
                  ip netns add $1
                  ip link add v$1 type veth peer name eth0 netns $1
                  ip link set v$1 master br0 up
                  ip -n $1 link set eth0 address $3
                  ip -n $1 link set lo up && ip -n $1 link set eth0 up
                  ip -n $1 addr add $2/24 dev eth0; }
                mk n1 192.168.77.11 $M1; mk n2 192.168.77.12 $M2; mk n3 192.168.77.13 02:00:00:00:00:13
                mk c 192.168.77.100 02:00:00:00:00:64
                T=$(now_ms)
                ip netns exec n1 %s >$LOG/n1.log 2>&1 &
                P1=$!
                check n1-master "await n1 MASTER 300"
                ip netns exec n2 %s >$LOG/n2.log 2>&1 &
                P2=$!
                ip netns exec n3 %s >$LOG/n3.log 2>&1 &
                P3=$!
                check n2-backup "await n2 BACKUP 400"
                check n3-backup "await n3 BACKUP 100"
                check n1-ipvs-all-weight-1 "until_ok 30 weights_1 '192.168.77.1[123]' 3"
                echo "BENCH start-3-nodes-ms $(( $(now_ms) - T ))"
                ip netns exec n1 ipvsadm -Ln
                client_get
                check client-resolves-vip-to-n1 "client_mac_is $M1"

                echo "--- partition: n1 cut off"
                ip link set vn1 nomaster; T=$(now_ms)
                check n2-master-in-partition "await n2 MASTER 15"
                echo "BENCH partition-to-n2-master-ms $(( $(now_ms) - T ))"
                check split-brain-n1-still-master "role_is n1 MASTER"
                check split-brain-vip-on-both-eth0 "vip_on_eth0 n1 && vip_on_eth0 n2"
                check n3-backup-in-partition "until_ok 5 role_is n3 BACKUP"
                # the client, on n2's side, learns the loser's MAC for the VIP
                ip -n c neigh flush dev eth0
                client_get
                check client-learned-loser-mac "client_mac_is $M2"
                sleep 1

                echo "--- heal"
                H=$(now_ms); ip link set vn1 master br0; echo "HEAL_AT $H"   # timed from before the command
                check one-master-after-heal "await n2 BACKUP 10"
                check client-neigh-back-to-winner "until_ok 5 client_mac_is $M1"
                echo "client neighbour: $(ip -n c neigh show $VIP)"
                sleep 1
                for n in n1 n2 n3; do echo "STATUS-HEAL $n $(status $n)"; done
                check roles-after-heal "until_ok 10 roles_are 'MASTER BACKUP BACKUP'"
                check winner-vip-on-eth0 "vip_on_eth0 n1"
                check loser-no-vip-on-eth0 "no_vip_on_eth0 n2"
                check loser-vip-on-lo "ip -n n2 -o addr show dev lo | grep -q ' $VIP/32 '"
                check ipvs-only-on-winner "ip netns exec n1 ipvsadm -Ln | grep -q 'TCP  $VIP:8080 wrr' && no_service n2 && no_service n3"
                check client-neigh-still-winner "client_mac_is $M1"

                echo "--- kill -9 of the backup n3"
                kill -KILL $P3; wait $P3 2>/dev/null; T=$(now_ms)
                check n3-weight-0-on-master "until_ok 15 n3_weight_0"
                echo "BENCH backup-kill-to-weight-0-ms $(( $(now_ms) - T ))"
                check n3-down-in-master-status "until_ok 10 n3_down"
                check others-keep-weight-1 "weights_1 '192.168.77.1[12]' 2"

                echo "--- kill -9 of the master n1"
                kill -KILL $P1; wait $P1 2>/dev/null; T=$(now_ms)
                check n2-master-after-kill "await n2 MASTER 15"
                echo "BENCH master-kill-to-n2-master-ms $(( $(now_ms) - T ))"
                check n2-took-over-on-timeout "until_ok 10 cause_is n2 MASTER_DOWN_TIMEOUT"
                check killed-master-vip-expires "until_ok 8 no_vip_on_eth0 n1"
                echo "BENCH master-kill-to-vip-gone-ms $(( $(now_ms) - T ))"
                check client-served-by-n2 "until_ok 30 served_by n2"
                echo "client neighbour: $(ip -n c neigh show $VIP)"
                ip netns exec n2 ipvsadm -Ln
                kill -KILL $P2
                echo "--- n1 log"; grep -Ev '^\s*at ' $LOG/n1.log | tail -n 25 | cut -c1-300
                echo CHECKS-DONE
                """.formatted(dir, n1, n2, n3);
        long t0 = System.nanoTime();
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(20));
        String out = r.output();
        System.out.printf("partition/heal lab: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, out);
        assertEquals(List.of(), r.linesStartingWith("CHECK FAIL "), out);
        assertEquals(1, r.linesStartingWith("CHECKS-DONE").size(), "the scenario did not finish:\n" + out);
        assertEquals(25, r.linesStartingWith("CHECK PASS ").size(), out);

        // one master within two advertisement intervals of the heal: n2's MASTER -> BACKUP in its own status
        Matcher heal = HEAL_AT.matcher(out);
        assertTrue(heal.find(), out);
        long healedAt = Long.parseLong(heal.group(1));
        String n2Status = statusLine(r, "n2");
        List<String[]> n2Transitions = transitions(n2Status);
        String[] last = n2Transitions.get(n2Transitions.size() - 1);
        assertEquals("MASTER BACKUP HIGHER_PRIORITY_SEEN", last[0] + " " + last[1] + " " + last[2], n2Status);
        String[] before = n2Transitions.get(n2Transitions.size() - 2);
        assertEquals("BACKUP MASTER MASTER_DOWN_TIMEOUT", before[0] + " " + before[1] + " " + before[2], n2Status);
        long healMs = Instant.parse(last[3]).toEpochMilli() - healedAt;
        System.out.println("BENCH heal-to-one-master-ms " + healMs);
        assertTrue(healMs >= 0 && healMs <= 2000, "one master " + healMs + " ms after the heal; allowed: 2 intervals = 2000 ms");
        // the winner never left MASTER; n3 ends as a backup (a starved UML CPU may let it time out once in the
        // partition before n2's advertisement gets through: printed, not failed)
        String n1Status = statusLine(r, "n1");
        assertEquals(List.of("INITIALIZE BACKUP", "BACKUP MASTER"), fromTo(transitions(n1Status)), n1Status);
        List<String> n3Moves = fromTo(transitions(statusLine(r, "n3")));
        assertTrue(n3Moves.get(n3Moves.size() - 1).endsWith(" BACKUP"), statusLine(r, "n3"));
        System.out.println("n3 transitions until the heal: " + n3Moves);
        for (String bench : r.linesStartingWith("BENCH ")) {
            System.out.println(bench);
        }
    }

    private static String statusLine(UmlKernel.Result r, String node) {
        List<String> lines = r.linesStartingWith("STATUS-HEAL " + node + " ");
        assertEquals(1, lines.size(), "status of " + node + "\n" + r.output());
        String line = lines.get(0);
        assertNotNull(line);
        return line;
    }

    /** from, to, cause, at of every transition in a status JSON, oldest first. */
    private static List<String[]> transitions(String statusJson) {
        List<String[]> out = new ArrayList<>();
        Matcher m = TRANSITION.matcher(statusJson);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        return out;
    }

    private static List<String> fromTo(List<String[]> transitions) {
        List<String> out = new ArrayList<>();
        transitions.forEach(t -> out.add(t[0] + " " + t[1]));
        return out;
    }
}
