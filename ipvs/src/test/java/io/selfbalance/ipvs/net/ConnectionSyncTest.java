package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.UmlChecks;
import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * IPVS connection synchronisation on the UML kernel, started by our code ({@link ConnectionSyncNodes}): a client's
 * keep-alive connection, balanced by n1 to the real server n2, survives the move of the VIP to n3, because n3's backup
 * sync daemon had received n1's entry for it. Without the entry n3 would hand the connection's next packet to its own
 * stack, which answers with a reset (no such socket there; checked by leaving n3's backup daemon out): a keep-alive
 * client loses its connection at every master change, which is what the lab measured before. Then a packet of the same
 * connection that reaches the old master n1 (a client whose ARP entry still points there) is forwarded by n1's
 * standby table and its entry, not reset: why backups keep directing ({@code backup_only=0}).
 */
class ConnectionSyncTest {

    static final String SCRIPT = """
            check() { if [ "$2" = "$3" ]; then echo "CHECK PASS $1"; else echo "CHECK FAIL $1: expected <$2> got <$3>"; fi; }
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
            # n2: the real server, VIP on lo (host scope) without answering ARP for it
            ip -n n2 addr add 192.168.77.254/32 dev lo scope host
            ip netns exec n2 sysctl -q -w net.ipv4.conf.all.arp_ignore=3 net.ipv4.conf.all.arp_announce=2
            mkdir -p /run/www && echo "served-by-n2" >/run/www/index.html
            (cd /run/www && ip netns exec n2 python3 -c 'import http.server as h
            h.test(HandlerClass=h.SimpleHTTPRequestHandler, protocol="HTTP/1.1", port=80, bind="0.0.0.0")' >/dev/null 2>&1 &)
            sleep 1
            %1$s setup
            check "n1 runs the master sync daemon" "1" "$(ip netns exec n1 ipvsadm -L --daemon | grep -c 'master sync daemon (mcast=eth0, syncid=51')"
            check "n3 runs the backup sync daemon" "1" "$(ip netns exec n3 ipvsadm -L --daemon | grep -c 'backup sync daemon (mcast=eth0, syncid=51')"
            check "n3 backup_only" "0" "$(ip netns exec n3 sysctl -n net.ipv4.vs.backup_only)"
            # one keep-alive connection: a request now, another one on the same connection once /run/go exists, a
            # third once /run/go3 exists
            rm -f /run/go /run/go3
            ip netns exec c python3 -c 'import socket, os, time
            s = socket.create_connection(("192.168.77.254", 80), timeout=5)
            def get():
                s.sendall(b"GET /index.html HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n")
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    b = s.recv(4096)
                    if not b:
                        return "closed"
                    data += b
                head, body = data.split(b"\\r\\n\\r\\n", 1)
                n = int([l.split(b":")[1] for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length")][0])
                while len(body) < n:
                    body += s.recv(4096)
                return body.decode().strip()
            print("FIRST", get(), s.getsockname()[1], flush=True)
            for name, flag in (("SECOND", "/run/go"), ("THIRD", "/run/go3")):
                while not os.path.exists(flag):
                    time.sleep(0.05)
                try:
                    print(name, get(), s.getsockname()[1], flush=True)
                except OSError as e:
                    print(name, "error", type(e).__name__, flush=True)
                    break' >/run/client.out 2>&1 &
            client=$!
            # the master daemon sends a partly filled buffer after at most 2 s
            for i in $(seq 1 50); do
              ip netns exec n3 ipvsadm -Lnc | grep -q '192.168.77.100:.*192.168.77.254:80 *192.168.77.12:80' && break
              sleep 0.2
            done
            ip netns exec n1 ipvsadm -Lnc
            ip netns exec n3 ipvsadm -Lnc
            check "n1's entry of the client connection reached n3" "1" "$(ip netns exec n3 ipvsadm -Lnc | grep -c '192.168.77.100:.*192.168.77.254:80 *192.168.77.12:80')"
            # the VIP moves: off n1 (standby table, VIP on lo, backup daemon), onto n3 (master daemon, n2 weighted);
            # the client resolves the VIP again
            %1$s takeover
            check "n3 runs the master sync daemon after the takeover" "1" "$(ip netns exec n3 ipvsadm -L --daemon | grep -c 'master sync daemon (mcast=eth0, syncid=51')"
            check "n3 runs no backup daemon after the takeover" "0" "$(ip netns exec n3 ipvsadm -L --daemon | grep -c 'backup sync daemon')"
            check "n1 runs the backup sync daemon after the takeover" "1" "$(ip netns exec n1 ipvsadm -L --daemon | grep -c 'backup sync daemon (mcast=eth0, syncid=51')"
            ip -n c neigh flush dev eth0
            touch /run/go
            for i in $(seq 1 100); do grep -q '^SECOND' /run/client.out && break; sleep 0.1; done
            # a stale ARP entry: the client sends the next packet of the connection to the old master n1
            n1mac=$(ip -n n1 -o link show eth0 | sed 's/.*link\\/ether \\([0-9a-f:]*\\).*/\\1/')
            ip -n c neigh replace 192.168.77.254 lladdr $n1mac dev eth0 nud permanent
            touch /run/go3
            wait $client
            ip netns exec n1 ipvsadm -Lnc
            cat /run/client.out
            first=$(grep '^FIRST' /run/client.out | cut -d' ' -f2-)
            port=$(echo "$first" | cut -d' ' -f2)
            check "the first request through n1" "served-by-n2 $port" "$first"
            check "the same connection, through n3 after the VIP moved" "served-by-n2 $port" "$(grep '^SECOND' /run/client.out | cut -d' ' -f2-)"
            check "the same connection, through the old master n1 (stale ARP entry), forwarded by its standby table" "served-by-n2 $port" "$(grep '^THIRD' /run/client.out | cut -d' ' -f2-)"
            echo "CHECKS-DONE script"
            """;

    @Test
    void aKeepAliveConnectionSurvivesTheVipMovingToTheBackupDirector() {
        UmlChecks.run(SCRIPT.formatted(UmlKernel.javaCommand(ConnectionSyncNodes.class)), Duration.ofMinutes(10), 10);
    }
}
