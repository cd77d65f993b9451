package io.selfbalance.ipvs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Test reference: runs the real {@code ipvsadm} / {@code ip} (only in tests) and renders one of our
 * tables the way {@code ipvsadm -S -n} prints it, so the two can be compared line by line.
 */
public final class Ipvsadm {
    private Ipvsadm() {}

    private static Process shell;
    private static java.io.BufferedReader shellOut;
    private static java.io.Writer shellIn;

    /**
     * Runs {@code command} in one long-lived bash (spawning from a JVM under user-mode-linux costs
     * seconds; a fork from bash is cheap), feeding {@code stdin} through a here-document; returns
     * stdout+stderr and fails on a non-zero exit.
     */
    public static synchronized String sh(String command, String stdin) {
        try {
            if (shell == null) {
                shell = new ProcessBuilder("bash").redirectErrorStream(true).start();
                shellOut = new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream()));
                shellIn = new java.io.OutputStreamWriter(shell.getOutputStream());
            }
            String marker = "__END_" + System.nanoTime() + "__";
            StringBuilder script = new StringBuilder("{ ").append(command).append("\n} 2>&1");
            if (stdin != null) {
                script.append(" <<'__STDIN__'\n").append(stdin).append(stdin.endsWith("\n") ? "" : "\n").append("__STDIN__");
            } else {
                script.append(" </dev/null");
            }
            script.append("\necho \"").append(marker).append(" $?\"\n");
            shellIn.write(script.toString());
            shellIn.flush();
            StringBuilder out = new StringBuilder();
            String line;
            while ((line = shellOut.readLine()) != null) {
                if (line.startsWith(marker)) {
                    int rc = Integer.parseInt(line.substring(marker.length()).trim());
                    if (rc != 0) {
                        throw new IllegalStateException("`" + command + "` exited " + rc + ": " + out);
                    }
                    return out.toString();
                }
                out.append(line).append('\n');
            }
            throw new IllegalStateException("shell ended while running `" + command + "`: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sh(String command) {
        return sh(command, null);
    }

    /** {@code ipvsadm -S -n} as lines. */
    public static List<String> save() {
        String s = sh("ipvsadm -S -n");
        List<String> lines = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    /**
     * Lines of {@code ipvsadm -S} output in a canonical order: the kernel's dump order differs between
     * ipvsadm and netlink dumps, so services are sorted and destinations sorted within their service.
     */
    public static List<String> canonical(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("-A") || blocks.isEmpty()) {
                blocks.add(new ArrayList<>());
            }
            blocks.get(blocks.size() - 1).add(l);
        }
        List<String> out = new ArrayList<>();
        blocks.stream().peek(b -> java.util.Collections.sort(b.subList(1, b.size())))
                .sorted(java.util.Comparator.comparing(b -> b.get(0))).forEach(out::addAll);
        return out;
    }

    /** Our table in {@code ipvsadm -S -n} syntax (which omits thresholds). */
    public static List<String> render(IpvsTable table) {
        List<String> lines = new ArrayList<>();
        for (IpvsTable.Entry e : table.entries()) {
            IpvsService s = e.service();
            String id = serviceId(s.key());
            StringBuilder b = new StringBuilder("-A ").append(id).append(" -s ").append(s.scheduler());
            if ((s.flags() & IpvsService.PERSISTENT) != 0) {
                b.append(" -p ").append(s.timeout());
                if (s.family() == AddressFamily.INET && s.netmask() != 32) {
                    int m = IpvsCodec.prefixToMask(s.netmask());
                    b.append(" -M ").append((m >>> 24) & 255).append('.').append((m >>> 16) & 255).append('.')
                            .append((m >>> 8) & 255).append('.').append(m & 255);
                } else if (s.family() == AddressFamily.INET6 && s.netmask() != 128) {
                    b.append(" -M ").append(s.netmask());
                }
            }
            if ((s.flags() & IpvsService.ONE_PACKET) != 0) {
                b.append(" -o");
            }
            lines.add(b.toString());
            for (IpvsDestination d : e.destinations()) {
                String fwd = switch (d.forwarding()) {
                    case DIRECT_ROUTE, LOCAL -> "-g";
                    case NAT -> "-m";
                    case TUNNEL -> "-i";
                };
                lines.add("-a " + id + " -r " + hostPort(d.address(), d.port()) + " " + fwd + " -w " + d.weight()
                        + (d.forwarding() == Forwarding.TUNNEL ? " --tun-type ipip" : ""));
            }
        }
        return lines;
    }

    static String serviceId(IpvsService.Key k) {
        if (k.fwmark() != 0) {
            return "-f " + Integer.toUnsignedString(k.fwmark()) + (k.family() == AddressFamily.INET6 ? " -6" : "");
        }
        String flag = switch (k.protocol()) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
        return flag + " " + hostPort(k.address(), k.port());
    }

    static String hostPort(java.net.InetAddress a, int port) {
        return (a instanceof Inet6Address ? "[" + Addresses.format(a) + "]" : a.getHostAddress()) + ":" + port;
    }
}
