package io.selfbalance.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module in the real jetty-home 12.1.12 inside the user-mode-linux kernel (which has IPVS): two jetty.base
 * directories made with the operator's steps (overlay unpacked, {@code --add-modules=http,ee10-deploy,forwarded,selfbalance},
 * the demo WAR), each run by start.jar in its own network namespace on one bridge, a client in a third. Checked from
 * outside with {@code ip}, {@code ipvsadm} and {@code curl}; one boot, one scenario:
 * <ol>
 * <li>n1 alone becomes MASTER: VIP on eth0 with a finite lifetime, IPVS wrr/DR service, health endpoints with the
 * demo's checks, status JSON on loopback only, also with Jetty's {@code forwarded} module on and a client claiming
 * 127.0.0.1 in {@code X-Forwarded-For} / {@code Forwarded}; the client reaches n1's demo through the VIP.</li>
 * <li>n2 joins as BACKUP with the VIP on lo; the client's requests reach both nodes through n1's IPVS; n1's metrics
 * (role, transition, the kernel's connection counters) and status page answer loopback clients only; the
 * transition and weight log lines are in n1's log.</li>
 * <li>n1 stops (SIGTERM) while it holds two client requests: readiness DOWN at once, the 2.5 s request completes with
 * its body, the 20 s one is cut off when the drain time (4 s) ends; n1 hands over make-before-break; n2 is MASTER and
 * serves the VIP; n1 left no VIP and no IPVS service.</li>
 * <li>n2 stops while it holds one 3 s request: the drain ends when that request completes; nothing of ours is
 * left.</li>
 * </ol>
 */
class SelfbalanceUmlIT {

    @TempDir
    Path temp;

    private JettyBase node(JettyBase template, String name, String address, int priority) throws Exception {
        return template.copyTo(temp.resolve(name)).deploy(JettyBase.DEMO_WAR, "demo.war").configure(List.of(
            "jetty.http.port=8080",
            "selfbalance.interface=eth0",
            "selfbalance.address=" + address,
            "selfbalance.vip-lifetime=5s",
            "selfbalance.drain-time=4s",
            "selfbalance.routers.main.vrid=51",
            "selfbalance.routers.main.vips=192.168.77.254/24",
            "selfbalance.routers.main.priority=" + priority,
            "selfbalance.routers.main.advert-interval=500ms",
            "selfbalance.nodes.n1.address=192.168.77.11",
            "selfbalance.nodes.n2.address=192.168.77.12",
            "selfbalance.health.probe-interval=1s",
            "selfbalance.health.probe-timeout=800ms",
            "selfbalance.health.local-interval=500ms"));
    }

    @Test
    void twoJettyNodesElectServeThroughTheVipHandOverAndLeaveNothing() throws Exception {
        JettyBase template = JettyBase.installed(temp.resolve("template"), "http,ee10-deploy,forwarded,selfbalance");
        JettyBase n1 = node(template, "n1", "192.168.77.11", 150);
        JettyBase n2 = node(template, "n2", "192.168.77.12", 100);
        String java = JettyBase.javaBinary();
        String startJar = JettyBase.JETTY_HOME.resolve("start.jar").toString();
        String script = """
            VIP=192.168.77.254
            JAVA=%s
            START=%s
            N1=%s
            N2=%s
            export JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx192m"
            check() { if eval "$2"; then echo "CHECK PASS $1"; else echo "CHECK FAIL $1"; fi; }
            status() { ip netns exec $1 curl -s --max-time 3 http://127.0.0.1:8080/selfbalance/status; }
            until_ok() { # seconds, command...
              local end=$(( $(date +%%s) + $1 )); shift
              while [ $(date +%%s) -lt $end ]; do "$@" && return 0; sleep 0.3; done; return 1; }
            self_weight_1() { ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.11:8080 +Route +1 '; }
            await() { # node, text, seconds
              local end=$(( $(date +%%s) + $3 ))
              while [ $(date +%%s) -lt $end ]; do status $1 | grep -q "$2" && return 0; sleep 0.3; done
              echo "timeout waiting for $2 on $1: $(status $1)"; tail -n 40 $(eval echo \\$$(echo $1 | tr a-z A-Z))/jetty.out | cut -c1-300; return 1; }
            jetty() { # node, base: own UTS namespace so the demo webapp names itself after the node
              (cd $2 && exec ip netns exec $1 unshare --uts /bin/sh -c "hostname $1; HOSTNAME=$1; export HOSTNAME; exec $JAVA -jar $START" >$2/jetty.out 2>&1) &
            }
            ip link add br0 type bridge && ip link set br0 up
            for n in n1 n2 c; do
              ip netns add $n
              ip link add v$n type veth peer name eth0 netns $n
              ip link set v$n master br0 up
              ip -n $n link set lo up && ip -n $n link set eth0 up
            done
            ip -n n1 addr add 192.168.77.11/24 dev eth0
            ip -n n2 addr add 192.168.77.12/24 dev eth0
            ip -n c addr add 192.168.77.100/24 dev eth0

            jetty n1 $N1; P1=$!
            echo "$(date +%%T) n1 launched"
            check n1-master "await n1 '\\"role\\":\\"MASTER\\"' 240"
            echo "$(date +%%T) n1 master"
            echo "n1 status: $(status n1)"
            check n1-vip-on-eth0-with-lifetime "ip -n n1 -o addr show dev eth0 | grep \\"$VIP/24\\" | grep -Eq 'valid_lft [0-5]sec'"
            check n1-vip-not-on-lo "! ip -n n1 -o addr show dev lo | grep -q $VIP"
            ip netns exec n1 ipvsadm -Ln
            check n1-ipvs-service "ip netns exec n1 ipvsadm -Ln | grep -Eq \\"TCP  $VIP:8080 wrr\\""
            # a new master learns every node's weight (its own included) from that node's first probe, one probe
            # interval after it took over: wait for it rather than race it (on an idle host this check ran first)
            check n1-ipvs-self "until_ok 30 self_weight_1"
            check n1-health-ready "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:8080/health/ready | grep -q 200 && ip netns exec n1 curl -s http://127.0.0.1:8080/health/ready | grep -q demo-ready"
            check n1-health-live "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:8080/health/live | grep -q 200"
            check n1-health-started "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:8080/health/started | grep -q 200"
            check n1-status-local-only "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://192.168.77.11:8080/selfbalance/status | grep -q 403"
            # Jetty's forwarded module is on: a remote client claiming loopback in X-Forwarded-For / Forwarded stays remote
            fwd() { ip netns exec c curl -s -o /dev/null -w '%%{http_code}' --max-time 5 -H 'X-Forwarded-For: 127.0.0.1' -H 'Forwarded: for=127.0.0.1' "http://192.168.77.11:8080$1"; }
            check forwarded-module-active "ip netns exec c curl -s --max-time 5 -H 'X-Forwarded-For: 127.0.0.1' http://192.168.77.11:8080/demo/api/whoami | grep -q '\\"client\\":\\"127.0.0.1\\"'"
            check forwarded-loopback-claim-refused "[ $(fwd /selfbalance/status) = 403 ] && [ $(fwd /selfbalance/metrics) = 403 ] && [ $(fwd /selfbalance/status.html) = 403 ]"
            echo "whoami through the VIP: $(ip netns exec c curl -s --max-time 5 http://$VIP:8080/demo/api/whoami)"
            echo "whoami on n1: $(ip netns exec n1 curl -s --max-time 5 http://127.0.0.1:8080/demo/api/whoami)"
            check client-reaches-n1-through-vip "ip netns exec c curl -s --max-time 5 http://$VIP:8080/demo/api/whoami | grep -q '\\"node\\":\\"n1\\"'"

            jetty n2 $N2; P2=$!
            check n2-backup "await n2 '\\"role\\":\\"BACKUP\\"' 240"
            echo "$(date +%%T) n2 backup"
            check n2-vip-on-lo-only "ip -n n2 -o addr show dev lo | grep -q \\"$VIP/32\\" && ! ip -n n2 -o addr show dev eth0 | grep -q $VIP"
            for i in $(seq 1 100); do ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.12:8080 +Route +1 ' && break; sleep 0.3; done
            ip netns exec n1 ipvsadm -Ln
            check n1-ipvs-gives-n2-weight "ip netns exec n1 ipvsadm -Ln | grep -Eq '192.168.77.12:8080 +Route +1 '"
            rm -f /run/served; for i in $(seq 1 8); do ip netns exec c curl -s --max-time 5 http://$VIP:8080/demo/api/whoami >>/run/served; echo >>/run/served; done
            echo "served: $(grep -o '"node":"n[12]"' /run/served | sort | uniq -c | tr '\\n' ' ')"
            check client-reaches-both-nodes "grep -q '\\"node\\":\\"n1\\"' /run/served && grep -q '\\"node\\":\\"n2\\"' /run/served"

            # observability on the master: Prometheus text with its role, its transition and the kernel's connection
            # counters; the status page; both for loopback clients only; the structured log lines
            metrics() { ip netns exec $1 curl -s --max-time 3 http://127.0.0.1:8080/selfbalance/metrics; }
            ipvs_conns() { metrics $1 | grep -F "selfbalance_ipvs_$2_connections{" | grep -F 'service="TCP 192.168.77.254:8080"' | awk '{ s += $NF } END { print s + 0 }'; }
            for i in $(seq 1 30); do [ "$(ipvs_conns n1 inactive)" -gt 0 ] && break; sleep 0.3; done
            echo "n1 metrics: kernel connections active $(ipvs_conns n1 active) inactive $(ipvs_conns n1 inactive)"
            metrics n1 | grep -E '^selfbalance_(vrrp_state|vrrp_transitions_total|node_weight|ipvs_)' | grep -v ' 0$'
            check n1-metrics-master "metrics n1 | grep -qF 'selfbalance_vrrp_state{router=\\"main\\",state=\\"MASTER\\",vrid=\\"51\\"} 1'"
            check n1-metrics-transition "metrics n1 | grep -F 'selfbalance_vrrp_transitions_total{' | grep -qF 'from=\\"BACKUP\\",router=\\"main\\",to=\\"MASTER\\",vrid=\\"51\\"} 1'"
            check n1-metrics-kernel-connections "[ \\$(ipvs_conns n1 inactive) -gt 0 ]"
            check n1-metrics-local-only "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://192.168.77.11:8080/selfbalance/metrics | grep -q 403"
            check n1-status-page "ip netns exec n1 curl -s http://127.0.0.1:8080/selfbalance/status.html | grep -q '<title>'"
            check n1-status-page-local-only "ip netns exec n1 curl -s -o /dev/null -w '%%{http_code}' http://192.168.77.11:8080/selfbalance/status.html | grep -q 403"
            check n1-log-transition "grep -q 'event=transition router=main vrid=51 from=BACKUP to=MASTER' $N1/jetty.out"
            check n1-log-weight-n2 "grep -q 'event=weight_change node=n2 address=192.168.77.12 from=0 to=1' $N1/jetty.out"

            # graceful stop with requests in flight, straight from the client to n1 (drain-time 4 s): one of 2.5 s
            # completes, one of 20 s is cut off when the drain time ends; readiness is DOWN meanwhile
            held() { # name, node address, ms: one request held by the demo; its answer and end time in /run/held-<name>
              ( ip netns exec c curl -s --max-time 30 -w ' HTTP%%{http_code}' "http://$2:8080/demo/api/sleep?ms=$3" >/run/held-$1 2>&1
                echo " END $(date +%%s%%N)" >>/run/held-$1 ) &
            }
            held_conns() { ip netns exec $1 ss -Htn state established '( sport = :8080 )' | grep -c 192.168.77.100; }
            one_held_on_n1() { [ "$(held_conns n1)" -ge 1 ]; }
            two_held_on_n1() { [ "$(held_conns n1)" -ge 2 ]; }
            one_held_on_n2() { [ "$(held_conns n2)" -ge 1 ]; }
            ended_ms() { # name, start: ms from start until the request ended (waits up to 30 s for it)
              for i in $(seq 1 300); do grep -q ' END ' /run/held-$1 && break; sleep 0.1; done
              echo $(( ($(sed -n 's/.* END \\([0-9]*\\).*/\\1/p' /run/held-$1) - $2) / 1000000 )); }
            drained() { grep -o 'drained after [0-9]* ms ([0-9]* client' $1/jetty.out | tail -n 1; }
            ready_down_ms() { # node, start: ms until its readiness answers 503 (polled on its loopback, body in /run/ready-<node>), or never
              for i in $(seq 1 50); do
                [ "$(ip netns exec $1 curl -s -o /run/ready-$1 -w '%%{http_code}' --max-time 1 http://127.0.0.1:8080/health/ready)" = 503 ] \
                  && { echo $(( ($(date +%%s%%N) - $2) / 1000000 )); return 0; }
                sleep 0.1; done; echo never; }
            # one after the other, each seen in n1's hands: on a loaded host a client can take seconds to connect
            held long 192.168.77.11 20000
            until_ok 30 one_held_on_n1 || echo "the 20 s request did not reach n1: $(ip netns exec n1 ss -tn)"
            held short 192.168.77.11 2500
            until_ok 30 two_held_on_n1 || echo "the 2.5 s request did not reach n1: $(ip netns exec n1 ss -tn)"
            T1=$(date +%%s%%N); kill -TERM $P1
            DOWN1=$(ready_down_ms n1 $T1)
            wait $P1; T2=$(date +%%s%%N); STOP1=$(( (T2 - T1) / 1000000 ))
            SHORT=$(ended_ms short $T1); LONG=$(ended_ms long $T1)
            echo "BENCH n1-graceful-stop-ms $STOP1 (readiness DOWN after $DOWN1 ms; 2.5 s request ended after $SHORT ms, 20 s request after $LONG ms; $(drained $N1))"
            echo "held 2.5 s: $(cat /run/held-short)"; echo "held 20 s: $(cat /run/held-long)"
            echo "n1 readiness while draining: $(cat /run/ready-n1)"
            # seen DOWN (polling takes its time in UML) before Jetty stopped and cut the long request, by the drain check
            check n1-readiness-down-while-draining "[ $DOWN1 != never ] && [ $DOWN1 -lt $LONG ] && grep -q '\\"name\\":\\"selfbalance-drain\\",\\"status\\":\\"DOWN\\"' /run/ready-n1"
            check held-request-completed "grep -q HTTP200 /run/held-short && grep -q '\\"requestedMs\\":2500,\\"elapsedMs\\":' /run/held-short"
            check stop-waited-for-held-request "[ $SHORT -gt 0 ] && [ $SHORT -le $STOP1 ]"
            check n1-drain-lasted-drain-time "drained $N1 | grep -Eq 'after 4[0-4][0-9]{2} ms \\(1 client'"
            check longer-request-cut-off "! grep -q HTTP200 /run/held-long && [ $LONG -ge 4000 ] && [ $LONG -le $(( STOP1 + 1000 )) ]"
            check n2-master "await n2 '\\"role\\":\\"MASTER\\"' 30"
            check n2-vip-on-eth0 "ip -n n2 -o addr show dev eth0 | grep -q \\"$VIP/24\\""
            check n2-ipvs-service "ip netns exec n2 ipvsadm -Ln | grep -Eq \\"TCP  $VIP:8080 wrr\\""
            check n1-no-vip-left "! ip -n n1 -o addr show | grep -q $VIP"
            check n1-no-ipvs-left "[ -z \\"$(ip netns exec n1 ipvsadm -Ln | grep TCP)\\" ]"
            check client-reaches-n2-after-handover "ip netns exec c curl -s --max-time 5 http://$VIP:8080/demo/api/whoami | grep -q '\\"node\\":\\"n2\\"'"
            grep -E 'Selfbalance' $N1/jetty.out | tail -n 25 | cut -c1-300

            # n2 alone drains one held request: the drain ends when it completes, before the drain time
            held last 192.168.77.12 3000
            until_ok 30 one_held_on_n2 || echo "the held request did not reach n2: $(ip netns exec n2 ss -tn)"
            T3=$(date +%%s%%N); kill -TERM $P2; wait $P2; T4=$(date +%%s%%N)
            LAST=$(ended_ms last $T3)
            echo "BENCH n2-graceful-stop-ms $(( (T4 - T3) / 1000000 )) (3 s request ended after $LAST ms; $(drained $N2))"
            check n2-held-request-completed "grep -q HTTP200 /run/held-last && grep -q '\\"requestedMs\\":3000,\\"elapsedMs\\":' /run/held-last"
            check n2-drain-ended-with-the-request "drained $N2 | grep -Eq 'after (1[89][0-9]{2}|[23][0-9]{3}) ms \\(0 client'"
            check n2-no-vip-left "! ip -n n2 -o addr show | grep -q $VIP"
            check n2-no-ipvs-left "[ -z \\"$(ip netns exec n2 ipvsadm -Ln | grep TCP)\\" ]"
            echo CHECKS-DONE
            """.formatted(java, startJar, n1.dir, n2.dir);
        UmlKernel.Result r = UmlKernel.run(script, Duration.ofMinutes(15), 1536);
        System.out.println(r.output());
        assertEquals(List.of(), r.linesStartingWith("CHECK FAIL "), r.output());
        assertEquals(1, r.linesStartingWith("CHECKS-DONE").size(), "the scenario did not finish:\n" + r.output());
        assertTrue(r.linesStartingWith("CHECK PASS ").size() >= 39, r.output());
    }
}
