package io.selfbalance.vrrp.interop;

import io.selfbalance.testkit.UmlKernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared bash helpers for the namespace tests inside user-mode-linux, and host-side tshark. */
final class UmlLab {
    private UmlLab() {}

    /** A fresh host directory under /tmp (visible inside UML through hostfs) for pcaps and logs. */
    static Path workDir(String prefix) {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a work dir after a passing run (a failing run keeps it for its pcaps and logs). */
    static void deleteWorkDir(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    /**
     * Bash prelude: {@code $W} work dir, {@code $JAVA} the node main, a bridge br0 (snooping off),
     * helpers mkns / launch_lab / jcmd / start_ka / wait_for / state_is / has_vip / no_vip.
     */
    static String prelude(Path work) {
        return """
                set -u
                W=%s
                export JAVA_TOOL_OPTIONS="-Xmx48m -Xss512k"
                cat > $W/node.sh <<'EON'
                #!/bin/sh
                exec %s "$@"
                EON
                chmod +x $W/node.sh; JAVA=$W/node.sh
                # inside UML every fork is expensive and takes the one CPU from the routers: builtins where
                # possible (clock, state files, the lab JVM's replies), polling every 0.2 s where not
                now_ms() { echo $(( ${EPOCHREALTIME/[.,]/} / 1000 )); }
                wait_for() { local end=$(( ${EPOCHREALTIME/[.,]/} / 1000 + $1 * 1000 )); shift
                  while ! "$@" >/dev/null 2>&1; do [ $(( ${EPOCHREALTIME/[.,]/} / 1000 )) -ge $end ] && return 1; sleep 0.2; done; return 0; }
                ip link add br0 type bridge mcast_snooping 0; ip link set br0 up
                mkns() { # name ipv4 ipv6 mac
                  ip netns add $1
                  ip link add v$1 type veth peer name eth0 netns $1
                  ip link set v$1 master br0 up
                  ip -n $1 link set eth0 address $4
                  ip netns exec $1 sysctl -qw net.ipv6.conf.eth0.accept_dad=0
                  ip -n $1 link set lo up; ip -n $1 link set eth0 up
                  ip -n $1 addr add $2/24 dev eth0; ip -n $1 addr add $3/64 dev eth0 nodad; }
                state_is() { local s=; read -r s < $W/$1.state; [ "$s" = "$2" ]; } 2>/dev/null
                has_vip() { ip -n $1 addr show dev eth0 | grep -q " $2/"; }
                no_vip() { ! has_vip "$@"; }
                launch_lab() { # one JVM hosting every router of this boot (see VrrpNodeMain)
                  rm -f /run/lab.in /run/lab.ack; mkfifo /run/lab.in /run/lab.ack
                  exec 4<>/run/lab.ack
                  $JAVA dir=$W ack=/run/lab.ack < /run/lab.in > $W/lab.log 2>&1 &
                  exec 3>/run/lab.in
                  jcmd hello; [ "$ACK" = "DONE hello" ] || echo "RESULT lab.ready no"; }
                ACK=
                jcmd() { # sends a command to the lab JVM, blocks (no polling) for its one-line reply in $ACK
                  echo "$*" >&3; ACK=
                  read -r -t 240 -u 4 ACK || echo "RESULT lab.timeout $*"; }
                jlog() { grep "^$1 " $W/lab.log; }
                ts_of() { jlog $1 | grep "$2" | tail -1 | cut -d' ' -f2; }
                KA=
                start_ka() { # priority version interval vip/len
                  cat > /run/ka.conf <<EOC
                global_defs { router_id ka }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority $1
                  advert_int $3
                  version $2
                  virtual_ipaddress {
                    $4
                  }
                }
                EOC
                  ip netns exec k keepalived -n -l -D -f /run/ka.conf -p /run/ka.pid -r /run/vrrp.pid >> $W/ka.log 2>&1 &
                  KA=$!; }
                stop_ka() { kill -TERM $KA; wait $KA; KA=; }
                """.formatted(UmlKernel.quote(work.toString()), labJavaCommand(work));
    }

    /**
     * The lab JVM's command with a snapshot of the class directories (target/classes, target/test-classes)
     * in {@code work}: the JVM inside UML loads classes lazily for minutes, and a build of the shared tree
     * running meanwhile rewrites those directories under it.
     */
    static String labJavaCommand(Path work) {
        String command = UmlKernel.javaCommand(VrrpNodeMain.class);
        String classPath = System.getProperty("java.class.path");
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (Files.isDirectory(dir)) {
                Path copy = work.resolve("cp" + n++);
                copyTree(dir, copy);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        String quoted = UmlKernel.quote(UmlKernel.absoluteClassPath(classPath));
        if (!command.contains(quoted)) {
            throw new IllegalStateException("UmlKernel.javaCommand no longer quotes the class path: " + command);
        }
        return command.replace(quoted, UmlKernel.quote(String.join(java.io.File.pathSeparator, entries)));
    }

    private static void copyTree(Path from, Path to) {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    /** tshark's view of every VRRP packet in {@code pcap}: "time|ip.src|ipv6.src|ip.ttl|ipv6.hlim|prio|checksum status|expert". */
    static List<String> tshark(Path pcap) {
        try {
            Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", "vrrp", "-T", "fields", "-E", "separator=|",
                    "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.ttl", "-e", "ipv6.hlim", "-e", "vrrp.prio",
                    "-e", "vrrp.checksum.status", "-e", "_ws.expert.message")
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("tshark failed on " + pcap + " (exit " + p.exitValue() + ")");
            }
            List<String> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    lines.add(l.trim());
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("tshark is needed to check our packets (apt-get install tshark)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
