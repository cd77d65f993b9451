package io.selfbalance.vrrp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Our router (VrrpNodeMain on a Netty event loop with the raw-socket transport) against Debian's
 * keepalived 2.2.7, in network namespaces on a bridge inside user-mode-linux; one boot runs every
 * scenario for v3 IPv4, v2 IPv4 and v3 IPv6 (java at .1 / fe80::ff:fe00:1, keepalived at .2 /
 * fe80::ff:fe00:2, a second java at .3 / fe80::ff:fe00:3). Fails, never skips, when UML cannot run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepalivedInteropTest {
    static final String[][] VARIANTS = {
        // name, version, interval ms, keepalived advert_int, vip, keepalived vip, primary of j, of h ('-': look up)
        {"v3ipv4", "3", "500", "0.5", "192.168.77.254", "192.168.77.254/24", "-", "-"},
        {"v2ipv4", "2", "1000", "1", "192.168.77.254", "192.168.77.254/24", "-", "-"},
        // the lab JVM's IPv6 address lookup cannot see other namespaces, so the link-locals are given
        {"v3ipv6", "3", "500", "0.5", "fd77::254", "fd77::254/64", "fe80::ff:fe00:1", "fe80::ff:fe00:3"},
    };

    Path work;
    UmlKernel.Result result;
    final Map<String, String> results = new HashMap<>();
    int passed;

    @BeforeAll
    void runLab() {
        work = UmlLab.workDir("vrrp-interop-");
        StringBuilder script = new StringBuilder(UmlLab.prelude(work));
        script.append("""
                mkns j 192.168.77.1 fd77::1 02:00:00:00:00:01
                mkns k 192.168.77.2 fd77::2 02:00:00:00:00:02
                mkns h 192.168.77.3 fd77::3 02:00:00:00:00:03
                launch_lab
                p0count() { grep -c "Backup received priority 0 advertisement" $W/ka.log; }
                variant() { # name version intervalMs kaInterval vip kaVip primaryJ primaryH
                  local V=$1 ver=$2 ms=$3 kint=$4 vip=$5 kvip=$6 t0 r s0 p0 pj= ph=
                  [ "$7" != - ] && pj="primary=$7"; [ "$8" != - ] && ph="primary=$8"
                  local common="version=$ver intervalMs=$ms vips=$vip"
                  tcpdump -i br0 -U -w $W/$V.pcap "(ip proto 112) or (ip6 and ip6[6]==112)" 2>/dev/null & local TD=$!
                  sleep 0.5
                  # 1. keepalived 100 first, then java 200 joins and preempts
                  start_ka 100 $ver $kint $kvip
                  jcmd start id=j ns=j priority=200 $common $pj
                  wait_for 30 state_is j MASTER && wait_for 20 no_vip k $vip && r=yes || r=no
                  echo "RESULT $V.java_higher_is_master $r"
                  # 2. java (master) stops: keepalived takes over through priority 0
                  p0=$(p0count); s0=$(jlog j | grep -c "SENT priority 0")
                  jcmd stop j
                  # (hand-over times are measured on the wire, from the pcap)
                  wait_for 30 has_vip k $vip && r=yes || r=no
                  echo "RESULT $V.java_stop_ka_takes_vip $r"
                  echo "RESULT $V.ka_received_priority0 $(( $(p0count) - p0 ))"
                  [ $(jlog j | grep -c "SENT priority 0") -gt $s0 ] && r=yes || r=no
                  echo "RESULT $V.java_sent_priority0 $r"
                  # 3. java 50 joins keepalived 100 (master): stays backup
                  jcmd start id=j ns=j priority=50 $common $pj
                  sleep $(( 4 * ms / 1000 + 2 ))
                  echo "RESULT $V.java_lower_state $(cat $W/j.state)"
                  has_vip k $vip && r=yes || r=no; echo "RESULT $V.ka_higher_keeps_vip $r"
                  # 4. keepalived (master) stops: java takes over through priority 0
                  t0=$(now_ms); stop_ka
                  wait_for 30 state_is j MASTER && r=yes || r=no
                  echo "RESULT $V.ka_stop_java_master $r"
                  echo "RESULT $V.java_takeover_cause $(jlog j | grep -o 'STATE BACKUP MASTER [A-Z_]*' | tail -1 | cut -d' ' -f4)"
                  # 5. equal priority 100 (set at run time), split then joined: java .1 yields to keepalived .2
                  jcmd priority j 100
                  ip link set vk nomaster
                  start_ka 100 $ver $kint $kvip
                  wait_for 30 has_vip k $vip && r=yes || r=no; echo "RESULT $V.split_both_master $r $(cat $W/j.state)"
                  ip link set vk master br0
                  wait_for 30 state_is j BACKUP && has_vip k $vip && r=yes || r=no
                  echo "RESULT $V.equal_lower_address_yields $r $(jlog j | grep -o 'MASTER BACKUP [A-Z_]*' | tail -1)"
                  jcmd stop j
                  # 6. equal priority: java .3 (higher address) wins against keepalived .2
                  ip link set vh nomaster
                  jcmd start id=h ns=h priority=100 $common $ph
                  wait_for 30 state_is h MASTER
                  ip link set vh master br0
                  sleep 1
                  wait_for 30 no_vip k $vip && state_is h MASTER && r=yes || r=no
                  echo "RESULT $V.equal_higher_address_wins $r"
                  jcmd stop h
                  stop_ka
                  sleep 0.5; kill $TD; wait $TD
                }
                """);
        for (String[] v : VARIANTS) {
            script.append("variant ").append(String.join(" ", v)).append('\n');
        }
        script.append("""
                jcmd exit
                for f in j h; do echo "LOG $f: $(jlog $f | grep -c ' DROP ') drops, $(jlog $f | grep -c TRANSPORT_ERROR) transport errors"; done
                echo "LOG lab: $(grep -c FAILED $W/lab.log) failed commands"
                echo LAB-DONE
                """);
        long t0 = System.nanoTime();
        result = UmlKernel.run(script.toString(), Duration.ofSeconds(900));
        System.out.printf("interop lab: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, result.output());
        for (String line : result.linesStartingWith("RESULT ")) {
            int sp = line.indexOf(' ');
            results.put(line.substring(0, sp), line.substring(sp + 1));
        }
    }

    String r(String key) {
        String v = results.get(key);
        if (v == null) {
            throw new AssertionError("no RESULT " + key + " from the lab; output:\n" + result.output());
        }
        return v;
    }

    void variantChecks(String v) {
        assertEquals("yes", r(v + ".java_higher_is_master"), "java priority 200 preempts keepalived 100");
        assertEquals("yes", r(v + ".java_sent_priority0"));
        assertEquals("yes", r(v + ".java_stop_ka_takes_vip"), "keepalived took over after java stopped");
        // keepalived logged our priority-0 advertisement: it took over through it, not by timeout
        assertEquals("1", r(v + ".ka_received_priority0"), "keepalived's 'Backup received priority 0 advertisement' lines");
        assertEquals("BACKUP", r(v + ".java_lower_state"), "java 50 stays backup under keepalived 100");
        assertEquals("yes", r(v + ".ka_higher_keeps_vip"));
        assertEquals("yes", r(v + ".ka_stop_java_master"), "java took over after keepalived stopped");
        assertEquals("PRIORITY_ZERO_RECEIVED", r(v + ".java_takeover_cause"));
        assertTrue(r(v + ".split_both_master").startsWith("yes MASTER"), r(v + ".split_both_master"));
        assertEquals("yes MASTER BACKUP EQUAL_PRIORITY_HIGHER_ADDRESS", r(v + ".equal_lower_address_yields"));
        assertEquals("yes", r(v + ".equal_higher_address_wins"));
        // tshark decodes every one of our advertisements with a good checksum and TTL / hop limit 255
        List<String> packets = UmlLab.tshark(work.resolve(v + ".pcap"));
        int ours = 0;
        List<Long> toKeepalived = new ArrayList<>();
        List<Long> toJava = new ArrayList<>();
        double javaZeroAt = -1;
        double kaZeroAt = -1;
        for (String p : packets) {
            String[] f = p.split("\\|", -1);
            double at = Double.parseDouble(f[0]);
            String src = f[1].isEmpty() ? f[2] : f[1];
            int prio = Integer.parseInt(f[5]);
            boolean fromJava = src.equals("192.168.77.1") || src.equals("192.168.77.3")
                    || src.equals("fe80::ff:fe00:1") || src.equals("fe80::ff:fe00:3");
            boolean fromKeepalived = src.equals("192.168.77.2") || src.equals("fe80::ff:fe00:2");
            // handover times on the wire: a priority 0 and the first advert of the other side after it
            if (fromKeepalived && prio > 0 && javaZeroAt >= 0) {
                toKeepalived.add(Math.round((at - javaZeroAt) * 1000));
                javaZeroAt = -1;
            }
            if (fromJava && prio > 0 && kaZeroAt >= 0) {
                toJava.add(Math.round((at - kaZeroAt) * 1000));
                kaZeroAt = -1;
            }
            if (fromKeepalived && prio == 0) {
                kaZeroAt = at;
            }
            if (!fromJava) {
                continue;
            }
            if (prio == 0) {
                javaZeroAt = at;
            }
            ours++;
            String ttl = f[3].isEmpty() ? f[4] : f[3];
            assertEquals("255", ttl, v + " TTL of " + p);
            assertEquals("1", f[6], v + " tshark checksum status (1 = good) of " + p);
            assertEquals("", f[7], v + " tshark expert message on " + p);
        }
        assertTrue(ours >= 10, v + ": tshark saw " + ours + " of our adverts in " + packets.size());
        assertFalse(toKeepalived.isEmpty(), v + ": keepalived advertised after our priority 0");
        assertFalse(toJava.isEmpty(), v + ": we advertised after keepalived's priority 0");
        System.out.printf("%s: on the wire, priority 0 -> new master's first advert: java->keepalived %s ms, "
                + "keepalived->java %s ms; %d of our adverts clean in tshark%n", v, toKeepalived, toJava, ours);
        passed++;
    }

    @Test
    void v3Ipv4() {
        variantChecks("v3ipv4");
    }

    @Test
    void v2Ipv4() {
        variantChecks("v2ipv4");
    }

    @Test
    void v3Ipv6() {
        variantChecks("v3ipv6");
    }

    @Test
    void labFinishedWithoutDropsOrTransportErrors() {
        assertTrue(result.output().contains("LAB-DONE"), result.output());
        for (String line : result.linesStartingWith("LOG ")) {
            assertTrue(line.endsWith(": 0 drops, 0 transport errors") || line.endsWith(": 0 failed commands"), line);
        }
        assertEquals(0, result.exitCode(), result.output());
        passed++;
    }

    @AfterAll
    void removeWorkDirWhenAllPassed() {
        if (passed == 4) {
            UmlLab.deleteWorkDir(work); // a failing run keeps its pcaps and logs
        }
    }
}
