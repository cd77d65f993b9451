package io.selfbalance.ipvs.net;

import java.nio.file.Path;

/**
 * The IPVS sysctls a direct-routing director needs ({@code net.ipv4.vs.conn_reuse_mode} and
 * {@code expire_nodest_conn}, per network namespace, present while the {@code ip_vs} module is loaded): read them,
 * set them (returning what was there, to restore on shutdown), restore them.
 *
 * <p>Why: a client that opens many connections wraps its source ports, and a new SYN whose port matches an IPVS
 * connection entry still held (FIN_WAIT for up to 120 s, the last state a DR director sees, since the replies
 * bypass it) goes to that entry's old destination instead of being scheduled. With the kernel defaults
 * ({@code conn_reuse_mode=1}, {@code expire_nodest_conn=0}) that old destination may have weight 0 - a node draining,
 * DOWN or dead - and still get new connections. The lab measured it: 20 new connections/s from one client wrap
 * the ports in about 150 s, after which a backup at weight 0 still got ~15 % of the new connections, and a
 * stopped node's share timed out. Bit 2 of {@code conn_reuse_mode} reschedules a SYN that reuses a FIN_WAIT
 * entry of a DR service; {@code expire_nodest_conn=1} also reschedules one whose entry points at a destination
 * of weight 0 (current kernels, e.g. the 6.1 the tests run) and drops the entries of removed destinations instead of black-holing them.
 * Neither touches established connections to a destination that still exists, so a drain keeps its connections.
 * (With {@code net.ipv4.vs.conntrack=1} the kernel drops the rescheduled SYN once, a 1 s retransmit; we leave
 * conntrack off, its default.)
 */
public final class IpvsSysctls {
    /** Bit 1 (reschedule on TIME_WAIT/CLOSE reuse) and bit 2 (also on FIN_WAIT, the last state a DR director sees). */
    public static final int DR_CONN_REUSE_MODE = 3;
    /** Reschedule a reused entry of a weight-0 destination; expire the entries of removed destinations. */
    public static final int DR_EXPIRE_NODEST_CONN = 1;

    private final Path vsDir;

    public IpvsSysctls() {
        this(Path.of("/proc/sys/net/ipv4/vs"));
    }

    /** {@code vsDir} stands for {@code /proc/sys/net/ipv4/vs} (tests point it elsewhere). */
    public IpvsSysctls(Path vsDir) {
        this.vsDir = vsDir;
    }

    /** The two values. */
    public record Settings(int connReuseMode, int expireNodestConn) {
        public Settings {
            if (connReuseMode < 0 || connReuseMode > 3) {
                throw new IllegalArgumentException("conn_reuse_mode " + connReuseMode + " not allowed; the kernel's bits are 0..3");
            }
            if (expireNodestConn < 0 || expireNodestConn > 1) {
                throw new IllegalArgumentException("expire_nodest_conn " + expireNodestConn + " not allowed; 0 or 1");
            }
        }
    }

    /** What a direct-routing director wants: {@link #DR_CONN_REUSE_MODE}, {@link #DR_EXPIRE_NODEST_CONN}. */
    public static final Settings DIRECT_ROUTING = new Settings(DR_CONN_REUSE_MODE, DR_EXPIRE_NODEST_CONN);

    public Settings read() {
        return new Settings(get("conn_reuse_mode"), get("expire_nodest_conn"));
    }

    /** Sets both; returns the previous settings. */
    public Settings apply(Settings wanted) {
        Settings previous = read();
        set("conn_reuse_mode", wanted.connReuseMode());
        set("expire_nodest_conn", wanted.expireNodestConn());
        return previous;
    }

    /** Puts back what {@link #apply} returned. */
    public void restore(Settings previous) {
        apply(previous);
    }

    /**
     * {@code net.ipv4.vs.backup_only}: with 1, a node whose backup sync daemon runs does not direct at all (keepalived's
     * recipe, where every backup has the master's full table). Selfbalance gives a backup a standby table instead
     * (only itself weighted) and wants it to keep directing, so that a packet of a synchronised connection that reaches
     * it through a client's stale ARP entry follows the entry instead of meeting its own stack's reset: 0.
     */
    public int readBackupOnly() {
        return get("backup_only");
    }

    /** Sets {@code backup_only} (0 or 1); returns the previous value. */
    public int applyBackupOnly(int value) {
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("backup_only " + value + " not allowed; 0 or 1");
        }
        int previous = readBackupOnly();
        set("backup_only", value);
        return previous;
    }

    private int get(String key) {
        return SysctlFile.read(vsDir.resolve(key), "net.ipv4.vs." + key, missing());
    }

    private void set(String key, int value) {
        SysctlFile.write(vsDir.resolve(key), "net.ipv4.vs." + key, value, missing());
    }

    private String missing() {
        return "no IPVS settings at " + vsDir + " (is the ip_vs module loaded?)";
    }
}
