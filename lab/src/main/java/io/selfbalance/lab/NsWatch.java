package io.selfbalance.lab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches one network namespace from outside without polling commands: an {@code ip -o -n NS monitor address}
 * process reports every address added, refreshed, deleted or expired (so the lab sees the VIP move,
 * and a dead master's VIP expire, as the kernel does it), and the same process, living in the
 * namespace, gives access to that namespace's IPVS table through {@code /proc/<pid>/net/ip_vs}.
 */
public final class NsWatch implements AutoCloseable {

    private final String ns;
    private final String vip;
    private final Process monitor;
    private volatile boolean vipOnEth0;
    private volatile boolean vipOnLo;
    private volatile long changedAtMs = System.currentTimeMillis();

    /** A watch fed only through {@link #apply} (for tests). */
    static NsWatch detached(String vip) {
        return new NsWatch(vip);
    }

    private NsWatch(String vip) {
        this.ns = "-";
        this.vip = vip;
        this.monitor = null;
    }

    public NsWatch(String ns, String vip) {
        this.ns = ns;
        this.vip = vip;
        try {
            monitor = new ProcessBuilder("ip", "-o", "-n", ns, "monitor", "address")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw Sh.io("cannot watch namespace " + ns, e);
        }
        Thread t = new Thread(this::read, "lab-watch-" + ns);
        t.setDaemon(true);
        t.start();
        // seed after the monitor runs, so no change can fall between the two
        for (String line : Sh.must("ip", "-o", "-n", ns, "addr", "show").split("\n")) {
            apply(line);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                apply(line);
            }
        } catch (IOException e) {
            // monitor stopped
        }
    }

    /** Applies one {@code ip -o addr} / {@code ip -o monitor address} line to the VIP state. */
    synchronized void apply(String line) {
        if (!line.contains(" inet " + vip + "/")) {
            return;
        }
        boolean deleted = line.startsWith("Deleted ");
        String rest = deleted ? line.substring("Deleted ".length()) : line;
        boolean lo = rest.matches("^\\d+:\\s+lo\\s.*");
        boolean before = lo ? vipOnLo : vipOnEth0;
        if (lo) {
            vipOnLo = !deleted;
        } else {
            vipOnEth0 = !deleted;
        }
        if (before == deleted) {
            changedAtMs = System.currentTimeMillis();
        }
    }

    public boolean vipOnEth0() {
        return vipOnEth0;
    }

    public boolean vipOnLo() {
        return vipOnLo;
    }

    public long changedAtMs() {
        return changedAtMs;
    }

    /**
     * The namespace's IPVS service for {@code vip:port}: destination address to weight, or null when
     * there is no such service.
     */
    public Map<String, Integer> ipvs(int port) {
        if (monitor == null) {
            return null;
        }
        Path p = Path.of("/proc", Long.toString(monitor.pid()), "net", "ip_vs");
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            return null;
        }
        return parseIpvs(text, vip, port);
    }

    /** Parses {@code /proc/net/ip_vs} (hex addresses and ports) for the TCP service {@code vip:port}. */
    public static Map<String, Integer> parseIpvs(String text, String vip, int port) {
        String want = hex(vip) + ":" + String.format("%04X", port);
        Map<String, Integer> dests = null;
        for (String line : text.split("\n")) {
            String t = line.trim();
            if (t.startsWith("TCP") || t.startsWith("UDP") || t.startsWith("SCTP") || t.startsWith("FWM")) {
                if (dests != null) {
                    break;
                }
                String[] f = t.split("\\s+");
                if (f[0].equals("TCP") && f.length > 1 && f[1].equalsIgnoreCase(want)) {
                    dests = new LinkedHashMap<>();
                }
            } else if (dests != null && t.startsWith("->") && !t.contains("RemoteAddress")) {
                String[] f = t.split("\\s+");
                // -> C0A84D0B:1F90      Route   1      0          0
                String addrPort = f[1];
                String addr = unhex(addrPort.substring(0, addrPort.indexOf(':')));
                dests.put(addr, Integer.parseInt(f[3]));
            }
        }
        return dests;
    }

    static String hex(String ipv4) {
        StringBuilder sb = new StringBuilder();
        for (String o : ipv4.split("\\.")) {
            sb.append(String.format("%02X", Integer.parseInt(o)));
        }
        return sb.toString();
    }

    static String unhex(String h) {
        if (h.length() != 8) {
            return h;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            sb.append(sb.length() == 0 ? "" : ".").append(Integer.parseInt(h.substring(i, i + 2), 16));
        }
        return sb.toString();
    }

    public String ns() {
        return ns;
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.destroy();
        }
    }
}
