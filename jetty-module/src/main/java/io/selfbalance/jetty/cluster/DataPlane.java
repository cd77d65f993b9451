package io.selfbalance.jetty.cluster;

import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsTable;
import java.net.InetAddress;
import java.time.Duration;

/**
 * What the role switch needs from the kernel: VIPs on the interface (with a finite lifetime) and on
 * {@code lo} (host scope), gratuitous ARP / unsolicited NA, the owned part of the IPVS table, and the DR ARP
 * sysctls. {@link KernelDataPlane} does it over netlink; tests may record the calls.
 *
 * <p>Called from the control-plane event loop only (the calls are short netlink round trips). Removing
 * something already gone and adding something already there count as done.
 */
public interface DataPlane extends AutoCloseable {

    /** Sets arp_ignore=3 / arp_announce=2 where they differ; remembers what to restore. */
    void applyDrSysctls();

    /** Puts back the sysctls {@link #applyDrSysctls()} changed (nothing if it changed nothing). */
    void restoreSysctls();

    /** Adds {@code vip/prefixLength} to the interface, or renews its lifetime when it is there. */
    void vipOnInterface(InetAddress vip, int prefixLength, Duration lifetime);

    /** Removes {@code vip} from the interface, whatever its prefix length. */
    void vipOffInterface(InetAddress vip);

    void vipOnLoopback(InetAddress vip);

    void vipOffLoopback(InetAddress vip);

    /** Where {@code vip} is now. */
    VipPlacement placement(InetAddress vip);

    /** Starts announcing {@code vip} on the interface: {@code repeat} packets {@code delay} apart, then every {@code refresh} (0 = never). */
    Announcement announce(InetAddress vip, int repeat, Duration delay, Duration refresh);

    /** Makes the owned part of the kernel's IPVS table equal to {@code desired}. */
    IpvsReconciler.Report reconcile(IpvsTable desired);

    /** Forgets the cached IPVS view: the next reconciliation reads the kernel (someone may have changed it). */
    void resync();

    /** The owned part of the kernel's IPVS table, with counters, as the kernel has it now. */
    IpvsTable ownedTable();

    /** Which IPVS connection sync daemon runs on this node ({@code selfbalance.connection-sync}). */
    enum SyncRole { NONE, MASTER, BACKUP }

    /**
     * Runs exactly the connection sync daemon of {@code role} on the interface, with {@code syncId}; NONE stops the
     * daemons on the interface with {@code syncId} (ours; others are left alone). The first call with MASTER or BACKUP
     * also makes sure {@code net.ipv4.vs.backup_only=0} ({@link #restoreSysctls()} puts back what was there): a backup
     * keeps directing with its standby table (see {@link NodeWeights#desiredTable(java.util.List, java.util.List)}).
     */
    void connectionSync(SyncRole role, int syncId);

    /** Closes sockets (does not change the kernel). */
    @Override
    void close();

    /** A running announcement. */
    interface Announcement {
        void cancel();

        long sent();
    }

    /**
     * Where a VIP is.
     *
     * @param onInterface on the cluster interface
     * @param prefixLength its prefix length there (0 when not there)
     * @param validSeconds remaining valid lifetime there ({@code -1} = forever, 0 when not there)
     * @param onLoopback on {@code lo}
     */
    record VipPlacement(boolean onInterface, int prefixLength, long validSeconds, boolean onLoopback) {
        /** interface, lo, both (a fault) or none. */
        public String where() {
            if (onInterface && onLoopback) {
                return "interface+lo";
            }
            return onInterface ? "interface" : onLoopback ? "lo" : "none";
        }
    }
}
