package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lab's kernel-side observer against the real kernel (inside user-mode-linux), independent of the
 * module: the IPVS table it reads through {@code /proc/<pid>/net/ip_vs} of a namespace is the one
 * {@code ipvsadm} programmed there; it tells the VIP on eth0 (master) from the VIP on lo scope host
 * (backup); and when the VIP's lifetime is no longer refreshed, it sees the kernel expire the address
 * within that lifetime (what the lab's crash scenario measures).
 */
class NsWatchUmlTest {

    @Test
    void readsIpvsAndVipPlacementAndSeesTheKernelExpireTheVip() {
        String vip = "192.168.77.254";
        String script = String.join("\n",
                "set -e",
                "ip link add br0 type bridge && ip link set br0 up",
                "for n in n1 n2; do",
                "  ip netns add $n; ip link add v$n type veth peer name eth0 netns $n",
                "  ip link set v$n master br0 up; ip -n $n link set lo up; ip -n $n link set eth0 up",
                "done",
                "ip -n n1 addr add 192.168.77.11/24 dev eth0; ip -n n2 addr add 192.168.77.12/24 dev eth0",
                "ip -n n1 addr add " + vip + "/24 dev eth0 valid_lft 6 preferred_lft 6",
                "ip -n n2 addr add " + vip + "/32 scope host dev lo",
                "ip netns exec n1 ipvsadm -A -t " + vip + ":8080 -s wrr",
                "ip netns exec n1 ipvsadm -a -t " + vip + ":8080 -r 192.168.77.11:8080 -g -w 1",
                "ip netns exec n1 ipvsadm -a -t " + vip + ":8080 -r 192.168.77.12:8080 -g -w 2",
                "ip netns exec n1 ipvsadm -a -t " + vip + ":8080 -r 192.168.77.13:8080 -g -w 0",
                "ip netns exec n1 ipvsadm -A -t 192.168.77.10:80 -s rr",
                "stop=$(mktemp -u /tmp/nswatch-stop-XXXXXX)",
                // a master refreshes its VIP's lifetime; this loop stands in for it until the probe says stop
                "( while [ ! -e $stop ]; do ip -n n1 addr change " + vip + "/24 dev eth0 valid_lft 6 preferred_lft 6; sleep 0.5; done ) &",
                UmlKernel.javaCommand(WatchProbe.class, vip, "8080", "$STOP", "n1", "n2").replace("'$STOP'", "$stop"),
                "rm -f $stop");
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(5), 1024);
        System.out.println(r.output());
        r.assertSuccess();

        assertEquals("eth0=true lo=false ipvs={192.168.77.11=1, 192.168.77.12=2, 192.168.77.13=0}",
                only(r.linesStartingWith("WATCH ns=n1 "), r));
        assertEquals("eth0=false lo=true ipvs=null", only(r.linesStartingWith("WATCH ns=n2 "), r));
        ClientProcess.Fields gone = ClientProcess.parse("GONE " + only(r.linesStartingWith("WATCH-GONE "), r));
        // lifetime 6 s from the last refresh (0.5 s before the stop, more on a loaded machine), expired on a whole-second tick
        assertTrue(gone.num("ms") >= 0, "the watch never saw the VIP expire:\n" + r.output());
        assertTrue(gone.num("eventAfterMs") >= 1000 && gone.num("eventAfterMs") <= 7500,
                "the VIP expired " + gone.num("eventAfterMs") + " ms after its refreshes stopped (lifetime 6 s)");
    }

    private static String only(List<String> lines, UmlKernel.Result r) {
        assertEquals(1, lines.size(), "expected one line, got " + lines + "\n" + r.output());
        return lines.get(0);
    }
}
