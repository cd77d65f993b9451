package io.selfbalance.vrrp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three of our routers (real JVMs, raw sockets, Netty loops) in namespaces on a bridge inside
 * user-mode-linux, VRRPv3 IPv4 at 500 ms: one master; the master's link cut -> the next takes over;
 * a three-way partition (three masters) heals to one master within two advertisement intervals, the
 * winner reporting that it answered the lower masters (masterReasserted); the master restarted with a higher priority preempts; a resign hands over make-before-break;
 * a unicast pair (message-only checksum) elects and hands over through priority 0. In between, a
 * fourth namespace injects bad packets (wrong TTL, checksum, version, VRID, no addresses, truncated,
 * oversized; a rogue outside the unicast peer lists), each claiming priority 255: no router moves and
 * each packet is counted under its DropReason in every router's VrrpStatus.
 */
class ThreeRoutersTest {

    @Test
    void electionFailoverPreemptionResignAndBadPackets() throws IOException {
        Path work = UmlLab.workDir("vrrp-three-");
        String script = UmlLab.prelude(work) + """
                T0=$(now_ms); mark() { echo "TIME $1 $(( $(now_ms) - T0 ))"; }
                mkns n1 192.168.77.1 fd77::1 02:00:00:00:00:01
                mkns n2 192.168.77.2 fd77::2 02:00:00:00:00:02
                mkns n3 192.168.77.3 fd77::3 02:00:00:00:00:03
                mkns n4 192.168.77.9 fd77::9 02:00:00:00:00:09
                common="version=3 intervalMs=500 vips=192.168.77.254"
                states() { echo "$(cat $W/a.state) $(cat $W/b.state) $(cat $W/c.state)"; }
                drops_of() { jlog $1 | grep -c ' DROP '; }
                dropped_all() { local want=$1 x; shift; for x in "$@"; do [ $(drops_of $x) -ge $want ] || return 1; done; }
                probe() { jcmd probe $1; echo "RESULT $2.$1 $ACK"; }
                launch_lab
                mark lab_ready
                jcmd start id=a ns=n1 priority=150 $common
                jcmd start id=b ns=n2 priority=100 $common
                jcmd start id=c ns=n3 priority=50 $common
                mark started_3
                wait_for 60 state_is a MASTER; sleep 3
                echo "RESULT initial $(states)"
                mark initial
                # bad packets from n4 (python raw socket), each claiming priority 255: no router may move
                for x in a b c; do probe $x before; done
                ip netns exec n4 python3 $W/bad_vrrp.py multicast > $W/inject.log 2>&1
                echo "RESULT injected $(grep -c '^INJECT' $W/inject.log)"
                wait_for 20 dropped_all 7 a b c
                for x in a b c; do probe $x after; done
                echo "RESULT after_bad $(states)"
                mark bad_packets
                # cut the master's link (detached from the bridge; its carrier stays up)
                t0=$(now_ms); ip link set vn1 nomaster
                wait_for 30 state_is b MASTER && r=$(( $(ts_of b "STATE BACKUP MASTER") - t0 )) || r=none
                sleep 1
                echo "RESULT cut_ms $r"
                echo "RESULT after_cut $(states)"
                mark cut
                echo "RESULT b_cause $(jlog b | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                # three-way partition: c cut off too, so every router is master
                ip link set vn3 nomaster
                wait_for 30 state_is c MASTER
                echo "RESULT split3 $(states)"
                mark split3
                # heal: both ports back on the bridge; a (150) keeps mastership, answers the lower masters and
                # reports it (REASSERTED); b and c step down (each with a parting advertisement)
                # each loser timed from just before its own port comes back (so the figure includes that command)
                hl=$(wc -l < $W/lab.log)
                t1=$(now_ms); ip link set vn1 master br0; t3=$(now_ms); ip link set vn3 master br0
                one_master() { state_is a MASTER && state_is b BACKUP && state_is c BACKUP; }
                wait_for 30 one_master
                hb=$(( $(ts_of b "STATE MASTER BACKUP") - t1 )); hc=$(( $(ts_of c "STATE MASTER BACKUP") - t3 ))
                echo "RESULT heal_ms $(( hb > hc ? hb : hc ))"
                sleep 2
                echo "RESULT healed $(states)"
                for x in a b c; do probe $x heal; done
                echo "RESULT heal_causes $(jlog b | grep -o 'STATE MASTER BACKUP [A-Z_]*' | tail -1 | cut -d' ' -f4) $(jlog c | grep -o 'STATE MASTER BACKUP [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                healed() { tail -n +$(( hl + 1 )) $W/lab.log | grep "^$1 "; }
                echo "RESULT reasserted $(healed a | grep -c ' REASSERTED ') $(healed b | grep -c ' REASSERTED ') $(healed c | grep -c ' REASSERTED ') $(jlog a | grep -c ' REASSERTED ')"
                echo "RESULT reasserted_peers $(healed a | grep -o 'REASSERTED [0-9.]* [0-9]*' | cut -d' ' -f2,3 | sort -u | tr '\n' ',')"
                echo "RESULT reasserted_b_peers $(healed b | grep -o 'REASSERTED [0-9.]* [0-9]*' | cut -d' ' -f2,3 | sort -u | tr '\n' ',')"
                mark heal
                # the master is stopped; it comes back as a fresh router with a higher priority and preempt
                jcmd stop a
                jcmd start id=a ns=n1 priority=200 $common
                wait_for 30 state_is a MASTER && r=yes || r=no
                sleep 1
                echo "RESULT back $r $(states)"
                mark preempt
                echo "RESULT a_cause $(jlog a | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                echo "RESULT b_lost $(jlog b | grep -o 'STATE MASTER BACKUP [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                # planned resignation: a keeps master until b's second advert (sent after b's role switch), then releases
                t0=$(now_ms); jcmd resign a
                wait_for 30 state_is a BACKUP && r=$(( $(ts_of a "STATE MASTER BACKUP") - $(ts_of a HANDOVER_STARTED) )) || r=none
                sleep 1
                echo "RESULT resign_ms $r"
                echo "RESULT after_resign $(states)"
                echo "RESULT a_handover $(jlog a | grep -o 'HANDOVER_[A-Z]* *[A-Z_]*' | tail -2 | tr '\\n' ' ')"
                # stays out: the resigned router does not preempt b back
                sleep 3
                echo "RESULT later $(states)"
                mark resign
                # unicast mode (RFC 9568 message-only checksum): two routers that only know each other
                jcmd stop a; jcmd stop b; jcmd stop c
                jcmd start id=u1 ns=n1 priority=150 version=3 intervalMs=500 vips=192.168.77.254 peers=192.168.77.2 checksum=MESSAGE_ONLY
                jcmd start id=u2 ns=n2 priority=100 version=3 intervalMs=500 vips=192.168.77.254 peers=192.168.77.1 checksum=MESSAGE_ONLY
                wait_for 30 state_is u1 MASTER; sleep 2
                echo "RESULT unicast $(cat $W/u1.state) $(cat $W/u2.state)"
                mark unicast_elected
                # a rogue at .9, outside both peer lists, claims priority 255 to each
                for x in u1 u2; do probe $x ubefore; done
                ip netns exec n4 python3 $W/bad_vrrp.py unicast 192.168.77.1 192.168.77.2 >> $W/inject.log 2>&1
                echo "RESULT rogue_sent $(grep -c '^INJECT rogue_peer' $W/inject.log)"
                wait_for 20 dropped_all 1 u1 u2
                for x in u1 u2; do probe $x uafter; done
                mark rogue
                jcmd stop u1
                wait_for 30 state_is u2 MASTER
                echo "RESULT unicast_takeover $(cat $W/u2.state) $(jlog u2 | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                jcmd exit
                mark unicast_takeover
                for f in a b c u1 u2; do echo "LOG $f: $(jlog $f | grep -c ' DROP ') drops, $(jlog $f | grep -c TRANSPORT_ERROR) transport errors"; done
                echo "LOG lab: $(grep -c FAILED $W/lab.log) failed commands"
                echo LAB-DONE
                mark done
                """;
        try (var in = ThreeRoutersTest.class.getResourceAsStream("/interop/bad_vrrp.py")) {
            Files.copy(in, work.resolve("bad_vrrp.py"));
        }
        long t0 = System.nanoTime();
        UmlKernel.Result result = UmlKernel.run(script, Duration.ofSeconds(600));
        System.out.printf("three-router lab: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, result.output());
        Map<String, String> r = new HashMap<>();
        for (String line : result.linesStartingWith("RESULT ")) {
            int sp = line.indexOf(' ');
            // an empty value may come without its separating space
            r.put(sp < 0 ? line.strip() : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1).strip());
        }
        String out = result.output();
        assertEquals("MASTER BACKUP BACKUP", r.get("initial"), out);
        // every bad packet is dropped, counted under its reason, and moves nothing
        assertEquals("7", r.get("injected"), out);
        Map<String, String> expectedState = Map.of(
                "a", "state=MASTER master=192.168.77.1 masterPriority=150 priority=150",
                "b", "state=BACKUP master=192.168.77.1 masterPriority=150 priority=100",
                "c", "state=BACKUP master=192.168.77.1 masterPriority=150 priority=50");
        for (String id : List.of("a", "b", "c")) {
            assertUnmovedAndCounted(r, id, "before", "after", expectedState.get(id),
                    "LENGTH:2,TTL:1,VERSION:1,CHECKSUM:1,UNKNOWN_VRID:1,NO_ADDRESSES:1", out);
        }
        assertEquals("MASTER BACKUP BACKUP", r.get("after_bad"), out);
        assertEquals("MASTER MASTER BACKUP", r.get("after_cut"), "isolated n1 still thinks it is master; n2 took over\n" + out);
        assertEquals("MASTER_DOWN_TIMEOUT", r.get("b_cause"), out);
        // partition and heal: one master within two advertisement intervals (2 x 500 ms) of the heal
        assertEquals("MASTER MASTER MASTER", r.get("split3"), "three-way partition: three masters\n" + out);
        assertEquals("MASTER BACKUP BACKUP", r.get("healed"), out);
        long healMs = Long.parseLong(r.get("heal_ms"));
        assertTrue(healMs >= 0 && healMs <= 1000, "one master " + healMs + " ms after the heal; allowed: 2 intervals = 1000 ms\n" + out);
        assertEquals("HIGHER_PRIORITY_SEEN HIGHER_PRIORITY_SEEN", r.get("heal_causes"), out);
        // a answered the lower masters and told its listener at most once per interval; c (the lowest) never did.
        // b may have answered c once: c's port comes back a few ms after a's, so c's advertisement can reach b
        // while b is still master, before a's first advertisement after the heal (a clean-clone CI run saw it).
        String[] reasserted = r.get("reasserted").split(" ");
        assertTrue(Integer.parseInt(reasserted[0]) >= 1 && Integer.parseInt(reasserted[0]) <= 2, "a's reassertions: " + r.get("reasserted") + "\n" + out);
        assertTrue(reasserted[1].equals("0") || reasserted[1].equals("1"), "b's reassertions (at most once, to c): " + r.get("reasserted") + "\n" + out);
        assertEquals("0", reasserted[2], "c has no lower master to answer\n" + out);
        assertEquals(reasserted[1].equals("1") ? "192.168.77.3 50," : "", r.get("reasserted_b_peers"), out);
        assertTrue(r.get("reasserted_peers").matches("(192\\.168\\.77\\.2 100,)?(192\\.168\\.77\\.3 50,)?"), r.get("reasserted_peers"));
        String bad = "LENGTH:2,TTL:1,VERSION:1,CHECKSUM:1,UNKNOWN_VRID:1,NO_ADDRESSES:1";
        assertEquals("state=MASTER master=192.168.77.1 masterPriority=150 priority=150 transitions=2 reassertions="
                + reasserted[3] + " drops=" + bad, r.get("heal.a"), out);
        assertEquals("state=BACKUP master=192.168.77.1 masterPriority=150 priority=100 transitions=3 reassertions=" + reasserted[1] + " drops=" + bad,
                r.get("heal.b"), "b: INITIALIZE->BACKUP->MASTER (cut)->BACKUP (heal)\n" + out);
        assertEquals("state=BACKUP master=192.168.77.1 masterPriority=150 priority=50 transitions=3 reassertions=0 drops=" + bad,
                r.get("heal.c"), out);
        assertEquals("yes MASTER BACKUP BACKUP", r.get("back"), out);
        assertEquals("PREEMPT", r.get("a_cause"), out);
        assertEquals("HIGHER_PRIORITY_SEEN", r.get("b_lost"), out);
        assertEquals("BACKUP MASTER BACKUP", r.get("after_resign"), out);
        assertTrue(r.get("a_handover").startsWith("HANDOVER_STARTED HANDOVER_RELEASED NEW_MASTER_HEARD"), r.get("a_handover"));
        assertEquals("BACKUP MASTER BACKUP", r.get("later"), out);
        assertEquals("MASTER BACKUP", r.get("unicast"), "unicast pair\n" + out);
        assertEquals("2", r.get("rogue_sent"), out);
        assertUnmovedAndCounted(r, "u1", "ubefore", "uafter",
                "state=MASTER master=192.168.77.1 masterPriority=150 priority=150", "UNKNOWN_UNICAST_SOURCE:1", out);
        assertUnmovedAndCounted(r, "u2", "ubefore", "uafter",
                "state=BACKUP master=192.168.77.1 masterPriority=150 priority=100", "UNKNOWN_UNICAST_SOURCE:1", out);
        assertEquals("MASTER PRIORITY_ZERO_RECEIVED", r.get("unicast_takeover"), out);
        // the injected packets are the only drops of the whole run
        Map<String, String> drops = Map.of("a", "7", "b", "7", "c", "7", "u1", "1", "u2", "1");
        for (String line : result.linesStartingWith("LOG ")) {
            String id = line.substring(0, line.indexOf(':'));
            String expected = id.equals("lab") ? "lab: 0 failed commands" : id + ": " + drops.get(id) + " drops, 0 transport errors";
            assertEquals(expected, line, out);
        }
        assertTrue(out.contains("LAB-DONE"), out);
        System.out.printf("cut -> takeover %s ms, heal -> one master %s ms (a reported %s reassertion(s) of %s), resign -> released %s ms%n",
                r.get("cut_ms"), r.get("heal_ms"), reasserted[0], r.get("reasserted_peers"), r.get("resign_ms"));
        UmlLab.deleteWorkDir(work); // kept when an assertion above failed
    }

    /** Same state, master, priorities and transitions before and after; no drops before, exactly {@code drops} after. */
    static void assertUnmovedAndCounted(Map<String, String> r, String id, String before, String after,
                                        String expectedState, String drops, String out) {
        String b = r.get(before + "." + id);
        String a = r.get(after + "." + id);
        assertTrue(b != null && a != null, "no probe of " + id + "\n" + out);
        int bd = b.indexOf(" drops=");
        int ad = a.indexOf(" drops=");
        assertTrue(b.startsWith(expectedState + " "), id + " before the bad packets: " + b);
        assertEquals(" drops=", b.substring(bd), id + " dropped nothing before the bad packets");
        assertEquals(b.substring(0, bd), a.substring(0, ad), id + ": state, master, priorities or transitions moved");
        assertEquals(" drops=" + drops, a.substring(ad), id + " counts each bad packet under its reason\n" + out);
    }
}
