package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.UmlChecks;
import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The seed's DR topology end to end on the UML kernel, configured by our code instead of
 * ipvsadm/ip (the script only builds the lab wiring and checks the outcome with the real tools):
 * VIP on n1's eth0, IPVS wrr/DR to n1, n2, n3, VIP on lo scope host with the ARP sysctls on n2
 * and n3; a client namespace gets answers from all three. Before that, n2 held the VIP, so the
 * client's neighbour entries point at n2: our gratuitous ARP and unsolicited NA must move them to n1.
 * Then why {@link IpvsSysctls#DIRECT_ROUTING}: with the kernel defaults a new connection that reuses a source port
 * follows the old IPVS entry to a destination of weight 0; with our values it is scheduled anew.
 */
class DrTopologyTest {

    static final String SCRIPT = """
            check() { if [ "$2" = "$3" ]; then echo "CHECK PASS $1"; else echo "CHECK FAIL $1: expected <$2> got <$3>"; fi; }
            mac() { ip -n $1 -o link show eth0 | sed 's/.*link\\/ether \\([0-9a-f:]*\\).*/\\1/'; }
            set -e
            ip link add br0 type bridge && ip link set br0 up
            for n in n1 n2 n3 c; do
              ip netns add $n
              ip link add v$n type veth peer name eth0 netns $n
              ip link set v$n master br0 up
              ip -n $n link set lo up && ip -n $n link set eth0 up
            done
            ip -n n1 addr add 192.168.77.11/24 dev eth0
            ip -n n2 addr add 192.168.77.12/24 dev eth0
            ip -n n3 addr add 192.168.77.13/24 dev eth0
            ip -n c addr add 192.168.77.100/24 dev eth0
            ip -n c addr add fd77::100/64 dev eth0 nodad
            # a previous holder: n2 had the VIP, so the client learnt n2's MAC for it
            ip -n n2 addr add 192.168.77.254/24 dev eth0
            ip -n n2 addr add fd77::fe/64 dev eth0 nodad
            sleep 1
            # any packet to the VIP makes the client resolve it (connection refused is fine)
            ip netns exec c curl -s --max-time 3 http://192.168.77.254:9/ >/dev/null || true
            ip netns exec c curl -s -g --max-time 3 'http://[fd77::fe]:9/' >/dev/null || true
            ip -n n2 addr del 192.168.77.254/24 dev eth0
            ip -n n2 addr del fd77::fe/64 dev eth0
            set +e
            check "client first learnt n2's MAC (v4)" "$(mac n2)" "$(ip -n c neigh show 192.168.77.254 | awk '{print $5}')"
            check "client first learnt n2's MAC (v6)" "$(mac n2)" "$(ip -n c -6 neigh show fd77::fe | awk '{print $5}')"
            for n in n1 n2 n3; do
              mkdir -p /run/www-$n && echo "served-by-$n" >/run/www-$n/index.html
              (cd /run/www-$n && ip netns exec $n python3 -m http.server 80 >/dev/null 2>&1 &)
            done
            %s
            check "gratuitous ARP moved the client's entry to n1" "$(mac n1)" "$(ip -n c neigh show 192.168.77.254 | awk '{print $5}')"
            check "neighbour advertisement moved the client's entry to n1" "$(mac n1)" "$(ip -n c -6 neigh show fd77::fe | awk '{print $5}')"
            check "n1 IPVS table" "-A -t 192.168.77.254:80 -s wrr|-a -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 1|-a -t 192.168.77.254:80 -r 192.168.77.12:80 -g -w 1|-a -t 192.168.77.254:80 -r 192.168.77.13:80 -g -w 1" "$(ip netns exec n1 ipvsadm -S -n | sort | paste -sd'|')"
            check "n1 VIP on eth0" "1" "$(ip -n n1 -o addr show dev eth0 | grep -c 'inet 192.168.77.254/24')"
            for n in n2 n3; do
              check "$n VIP on lo scope host" "1" "$(ip -n $n -o addr show dev lo | grep -c 'inet 192.168.77.254/32 scope host lo')"
              check "$n arp sysctls" "3 2 3 2" "$(ip netns exec $n sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_ignore net.ipv4.conf.eth0.arp_announce | paste -sd' ')"
            done
            sleep 1
            served=""
            for i in 1 2 3 4 5 6 7 8 9; do
              served="$served $(ip netns exec c curl -s --max-time 5 http://192.168.77.254/index.html)"
            done
            echo "served:$served"
            check "all three nodes answer through the VIP" "served-by-n1 served-by-n2 served-by-n3" "$(echo $served | tr ' ' '\\n' | sort -u | paste -sd' ')"
            ip netns exec n1 ipvsadm -Ln --stats
            # Source-port reuse: a client that wraps its ports sends a SYN that matches an IPVS entry still held
            # (FIN_WAIT, the last state a DR director sees). Only n2 is weighted for the first connection, only n3
            # for the second one from the same port.
            w() { for n in 1 2 3; do ip netns exec n1 ipvsadm -e -t 192.168.77.254:80 -r 192.168.77.1$n:80 -g -w $(echo $1 | cut -d, -f$n); done; }
            # from source port $1, reading to the end: the server closes first, so the client's port is free again at
            # once (no TIME_WAIT on the client, which would make the second bind to the same port fail)
            get() { ip netns exec c python3 -c 'import socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.settimeout(3)
            s.bind(("192.168.77.100", int(sys.argv[1]))); s.connect(("192.168.77.254", 80))
            s.sendall(b"GET /index.html HTTP/1.0\\r\\n\\r\\n"); data = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                data += b
            s.close(); print(data.split(b"\\r\\n\\r\\n", 1)[1].decode().strip())' $1 2>/dev/null; }
            w 0,1,0; first=$(get 40000); w 0,0,1; second=$(get 40000)
            check "kernel defaults: the first connection from port 40000 goes to n2" "served-by-n2" "$first"
            check "kernel defaults: the reused port follows its old entry to n2 at weight 0, not to n3" "no" \
              "$([ "$second" = served-by-n3 ] && echo yes || echo no)"
            ip netns exec n1 sysctl -q -w net.ipv4.vs.conn_reuse_mode=%d net.ipv4.vs.expire_nodest_conn=%d
            w 0,1,0; first=$(get 40002); w 0,0,1; second=$(get 40002)
            check "DR IPVS sysctls: the first connection from port 40002 goes to n2" "served-by-n2" "$first"
            check "DR IPVS sysctls: the reused port is scheduled anew, to n3" "served-by-n3" "$second"
            ip netns exec n1 ipvsadm -Lnc
            echo "CHECKS-DONE script"
            """;

    @Test
    void seedTopologyConfiguredByOurCodeServesFromAllThreeNodes() {
        UmlChecks.run(SCRIPT.formatted(UmlKernel.javaCommand(DrTopologyNodes.class), IpvsSysctls.DR_CONN_REUSE_MODE,
                IpvsSysctls.DR_EXPIRE_NODEST_CONN), Duration.ofMinutes(10), 15);
    }
}
