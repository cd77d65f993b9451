package io.selfbalance.vrrp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three of our routers (real JVMs, raw sockets, Netty loops) in namespaces on a bridge inside
 * user-mode-linux, VRRPv3 IPv4 at 500 ms: one master; the master's link cut -> the next takes over;
 * the old master restarted with a higher priority preempts; a resign hands over make-before-break;
 * a unicast pair (message-only checksum) elects and hands over through priority 0.
 */
class ThreeRoutersTest {

    @Test
    void electionFailoverPreemptionAndResign() {
        Path work = UmlLab.workDir("vrrp-three-");
        String script = UmlLab.prelude(work) + """
                mkns n1 192.168.77.1 fd77::1 02:00:00:00:00:01
                mkns n2 192.168.77.2 fd77::2 02:00:00:00:00:02
                mkns n3 192.168.77.3 fd77::3 02:00:00:00:00:03
                common="version=3 intervalMs=500 vips=192.168.77.254"
                states() { echo "$(cat $W/a.state) $(cat $W/b.state) $(cat $W/c.state)"; }
                launch_lab
                jcmd start id=a ns=n1 priority=150 $common
                jcmd start id=b ns=n2 priority=100 $common
                jcmd start id=c ns=n3 priority=50 $common
                wait_for 60 state_is a MASTER; sleep 3
                echo "RESULT initial $(states)"
                # cut the master's link (detached from the bridge; its carrier stays up)
                t0=$(now_ms); ip link set vn1 nomaster
                wait_for 30 state_is b MASTER && r=$(( $(ts_of b "STATE BACKUP MASTER") - t0 )) || r=none
                sleep 1
                echo "RESULT cut_ms $r"
                echo "RESULT after_cut $(states)"
                echo "RESULT b_cause $(jlog b | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                # the old master is stopped; it comes back as a fresh router with a higher priority and preempt
                jcmd stop a
                ip link set vn1 master br0
                jcmd start id=a ns=n1 priority=200 $common
                wait_for 30 state_is a MASTER && r=yes || r=no
                sleep 1
                echo "RESULT back $r $(states)"
                echo "RESULT a_cause $(jlog a | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                echo "RESULT b_lost $(jlog b | grep -o 'STATE MASTER BACKUP [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                # planned resignation: a keeps master until b's first advert, then releases
                t0=$(now_ms); jcmd resign a
                wait_for 30 state_is a BACKUP && r=$(( $(ts_of a "STATE MASTER BACKUP") - $(ts_of a HANDOVER_STARTED) )) || r=none
                sleep 1
                echo "RESULT resign_ms $r"
                echo "RESULT after_resign $(states)"
                echo "RESULT a_handover $(jlog a | grep -o 'HANDOVER_[A-Z]* *[A-Z_]*' | tail -2 | tr '\\n' ' ')"
                # stays out: the resigned router does not preempt b back
                sleep 3
                echo "RESULT later $(states)"
                # unicast mode (RFC 9568 message-only checksum): two routers that only know each other
                jcmd stop a; jcmd stop b; jcmd stop c
                jcmd start id=u1 ns=n1 priority=150 version=3 intervalMs=500 vips=192.168.77.254 peers=192.168.77.2 checksum=MESSAGE_ONLY
                jcmd start id=u2 ns=n2 priority=100 version=3 intervalMs=500 vips=192.168.77.254 peers=192.168.77.1 checksum=MESSAGE_ONLY
                wait_for 30 state_is u1 MASTER; sleep 2
                echo "RESULT unicast $(cat $W/u1.state) $(cat $W/u2.state)"
                jcmd stop u1
                wait_for 30 state_is u2 MASTER
                echo "RESULT unicast_takeover $(cat $W/u2.state) $(jlog u2 | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                jcmd exit
                for f in a b c u1 u2; do echo "LOG $f: $(jlog $f | grep -c ' DROP ') drops, $(jlog $f | grep -c TRANSPORT_ERROR) transport errors"; done
                echo "LOG lab: $(grep -c FAILED $W/lab.log) failed commands"
                echo LAB-DONE
                """;
        long t0 = System.nanoTime();
        UmlKernel.Result result = UmlKernel.run(script, Duration.ofSeconds(600));
        System.out.printf("three-router lab: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, result.output());
        Map<String, String> r = new HashMap<>();
        for (String line : result.linesStartingWith("RESULT ")) {
            int sp = line.indexOf(' ');
            r.put(line.substring(0, sp), line.substring(sp + 1));
        }
        String out = result.output();
        assertEquals("MASTER BACKUP BACKUP", r.get("initial"), out);
        assertEquals("MASTER MASTER BACKUP", r.get("after_cut"), "isolated n1 still thinks it is master; n2 took over\n" + out);
        assertEquals("MASTER_DOWN_TIMEOUT", r.get("b_cause"), out);
        assertEquals("yes MASTER BACKUP BACKUP", r.get("back"), out);
        assertEquals("PREEMPT", r.get("a_cause"), out);
        assertEquals("HIGHER_PRIORITY_SEEN", r.get("b_lost"), out);
        assertEquals("BACKUP MASTER BACKUP", r.get("after_resign"), out);
        assertTrue(r.get("a_handover").startsWith("HANDOVER_STARTED HANDOVER_RELEASED NEW_MASTER_HEARD"), r.get("a_handover"));
        assertEquals("BACKUP MASTER BACKUP", r.get("later"), out);
        assertEquals("MASTER BACKUP", r.get("unicast"), "unicast pair\n" + out);
        assertEquals("MASTER PRIORITY_ZERO_RECEIVED", r.get("unicast_takeover"), out);
        for (String line : result.linesStartingWith("LOG ")) {
            assertTrue(line.endsWith(": 0 drops, 0 transport errors") || line.endsWith(": 0 failed commands"), line);
        }
        assertTrue(out.contains("LAB-DONE"), out);
        System.out.printf("cut -> takeover %s ms, resign -> released %s ms%n", r.get("cut_ms"), r.get("resign_ms"));
    }
}
