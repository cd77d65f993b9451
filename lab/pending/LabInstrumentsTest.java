package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lab's measuring instruments against the real kernel, independent of the module: inside
 * user-mode-linux, the seed topology is built by hand with {@code ip} and {@code ipvsadm} (IPVS wrr/DR,
 * weights 1, 2, 3, three stand-in nodes serving static files). The load client in the client namespace
 * must count exactly what each node served and see the kernel's split by weight, and the namespace watch
 * must read the same IPVS table and see the VIP leave.
 * If these instruments were wrong, every end-to-end verdict of the lab would be too.
 */
class LabInstrumentsTest {

    @Test
    void loadClientAndWatchReadWhatTheKernelDoes() {
        String vip = "192.168.77.254";
        String client = UmlKernel.javaCommand(LoadClient.class, "--url", "http://" + vip + ":8080/api/whoami",
                "--interval-ms", "40", "--requests", "300", "--timeout-ms", "10000");
        String script = String.join("\n",
                "set -e",
                "ip link add br0 type bridge && ip link set br0 up",
                "for n in n1 n2 n3 c; do",
                "  ip netns add $n; ip link add v$n type veth peer name eth0 netns $n",
                "  ip link set v$n master br0 up; ip -n $n link set lo up; ip -n $n link set eth0 up",
                "done",
                "ip -n n1 addr add 192.168.77.11/24 dev eth0; ip -n n2 addr add 192.168.77.12/24 dev eth0",
                "ip -n n3 addr add 192.168.77.13/24 dev eth0; ip -n c addr add 192.168.77.100/24 dev eth0",
                "for n in n1 n2 n3; do ip netns exec $n sysctl -qw net.ipv4.conf.all.arp_ignore=3 net.ipv4.conf.all.arp_announce=2; done",
                "ip -n n1 addr add " + vip + "/24 dev eth0",
                "ip -n n2 addr add " + vip + "/32 scope host dev lo; ip -n n3 addr add " + vip + "/32 scope host dev lo",
                "ip netns exec n1 ipvsadm -A -t " + vip + ":8080 -s wrr",
                "for i in 1 2 3; do ip netns exec n1 ipvsadm -a -t " + vip + ":8080 -r 192.168.77.1$i:8080 -g -w $i; done",
                // stand-in nodes: python's static file server (light next to a JVM on UML's one CPU),
                // each serving its name at /api/whoami and logging every request it answered
                "www=$(mktemp -d /tmp/lab-instruments-XXXXXX)",
                "for n in n1 n2 n3; do mkdir -p $www/$n/api && printf '{\"node\":\"%s\"}' $n > $www/$n/api/whoami",
                // (http.server's default listen backlog of 5 overflows on a slow UML: give it a real one)
                "  (cd $www/$n && ip netns exec $n python3 -c 'import http.server as h; h.ThreadingHTTPServer.request_queue_size = 256; "
                        + "h.test(HandlerClass=h.SimpleHTTPRequestHandler, ServerClass=h.ThreadingHTTPServer, port=8080, bind=\"0.0.0.0\")' "
                        + "> $www/$n.log 2>&1 &); done",
                // every stand-in must answer with its name before the load starts
                "for n in 1 2 3; do ready=; for t in $(seq 600); do",
                "  ip netns exec c curl -s -m 2 http://192.168.77.1$n:8080/api/whoami?ready | grep -q '\"n'$n'\"' && { ready=1; break; }; sleep 0.5",
                "  done; [ -n \"$ready\" ] || { echo \"stand-in n$n never answered\"; exit 3; }; done",
                "ip netns exec c " + client + " < /dev/null | grep -v '^TICK' | sed 's/^/WEIGHTED /'",
                "ip netns exec n1 ipvsadm -e -t " + vip + ":8080 -r 192.168.77.13:8080 -g -w 0",
                UmlKernel.javaCommand(WatchProbe.class, vip, "8080", "n1", "n2"),
                "ip netns exec n1 ipvsadm -Ln",
                // what each stand-in says it served through the VIP (its log names the client's address)
                "for n in n1 n2 n3; do echo \"SERVED $n $(grep -c '^192.168.77.100 .*\"GET /api/whoami HTTP' $www/$n.log)\"; done",
                "rm -rf $www");
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(8), 1536);
        System.out.println(r.output());
        r.assertSuccess();

        ClientProcess.Fields done = ClientProcess.parse("DONE " + only(r.linesStartingWith("WEIGHTED DONE "), r));
        assertEquals(300, done.num("sent"), r.output());
        assertEquals(0, done.num("failed"), r.output());
        // what the client counted per node is what each node served through the VIP
        for (int i = 1; i <= 3; i++) {
            assertEquals(Long.toString(done.num("node.n" + i)), only(r.linesStartingWith("SERVED n" + i + " "), r).trim(),
                    "client count vs the node's own log");
        }
        // the kernel's wrr over weights 1:2:3 is exact over whole rounds of 6 new connections
        long total = done.num("ok");
        int[] weights = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            double expected = total * weights[i] / 6.0;
            long got = done.num("node.n" + (i + 1));
            assertTrue(Math.abs(got - expected) <= 0.10 * expected, "n" + (i + 1) + " served " + got + ", expected " + expected);
        }

        assertEquals(" ns=n1 eth0=true lo=false ipvs={192.168.77.11=1, 192.168.77.12=2, 192.168.77.13=0}",
                only(r.linesStartingWith("WATCH ns=n1"), r).replaceFirst("^", " ns=n1"));
        assertEquals(" ns=n2 eth0=false lo=true ipvs=null", only(r.linesStartingWith("WATCH ns=n2"), r).replaceFirst("^", " ns=n2"));
        ClientProcess.Fields gone = ClientProcess.parse("GONE" + only(r.linesStartingWith("WATCH-GONE"), r));
        assertTrue(gone.num("ms") >= 0 && gone.num("ms") < 2000, "the watch saw the VIP leave after " + gone.num("ms") + " ms");
    }

    private static String only(List<String> lines, UmlKernel.Result r) {
        assertEquals(1, lines.size(), "expected one line, got " + lines + "\n" + r.output());
        return lines.get(0);
    }
}
