package io.selfbalance.ipvs.net;

import static io.selfbalance.ipvs.Addresses.parse;

import io.selfbalance.ipvs.IpvsClient;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsSyncDaemon;
import io.selfbalance.ipvs.IpvsTable;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inside user-mode-linux, for {@link ConnectionSyncTest}, with our code only: {@code setup} makes n1 the director (VIP
 * on eth0, IPVS wrr/DR to n2, master sync daemon) and n3 a backup director (a standby table: the same service with n2
 * at weight 0, backup_only=0, backup sync daemon); {@code takeover} makes n3 the director (master daemon, n2 weighted,
 * VIP on eth0) and n1 a backup (standby table, VIP on lo, backup daemon), as the role switch does.
 */
public final class ConnectionSyncNodes {
    static final InetAddress VIP = parse("192.168.77.254");
    static final int SYNC_ID = 51;

    public static void main(String[] args) {
        IpvsService web = IpvsService.tcp(VIP, 80, "wrr");
        IpvsTable table = IpvsTable.of(Map.of(web, List.of(IpvsDestination.directRoute(parse("192.168.77.12"), 80, 1))));
        // a backup's standby table: every node a destination, none of the others weighted (n1 and n3 serve nothing here)
        IpvsTable standby = IpvsTable.of(Map.of(web, List.of(IpvsDestination.directRoute(parse("192.168.77.12"), 80, 0))));
        if (args.length == 1 && args[0].equals("setup")) {
            NetNamespace.call("n1", () -> {
                try (AddressClient addresses = AddressClient.open(); IpvsClient ipvs = IpvsClient.open()) {
                    LinkInfo eth0 = addresses.link("eth0");
                    addresses.add(InterfaceAddress.of(eth0.index(), VIP, 24, AddressScope.UNIVERSE, AddressLifetime.FOREVER));
                    new IpvsReconciler(ipvs, Set.of(web.key())).reconcile(table);
                    ipvs.startSyncDaemon(new IpvsSyncDaemon(IpvsSyncDaemon.Role.MASTER, "eth0", SYNC_ID));
                    ipvs.startSyncDaemon(new IpvsSyncDaemon(IpvsSyncDaemon.Role.MASTER, "eth0", SYNC_ID)); // again: no error
                    System.out.println("DAEMONS n1 " + ipvs.syncDaemons());
                }
                return null;
            });
            NetNamespace.call("n3", () -> {
                try (IpvsClient ipvs = IpvsClient.open()) {
                    new IpvsReconciler(ipvs, Set.of(web.key())).reconcile(standby);
                    System.out.println("n3 backup_only was " + new IpvsSysctls().applyBackupOnly(0));
                    ipvs.startSyncDaemon(new IpvsSyncDaemon(IpvsSyncDaemon.Role.BACKUP, "eth0", SYNC_ID));
                    System.out.println("DAEMONS n3 " + ipvs.syncDaemons());
                }
                return null;
            });
        } else if (args.length == 1 && args[0].equals("takeover")) {
            NetNamespace.call("n1", () -> {
                // the old master: standby table first, then the VIP to lo, then the backup daemon
                try (AddressClient addresses = AddressClient.open(); IpvsClient ipvs = IpvsClient.open()) {
                    new IpvsReconciler(ipvs, Set.of(web.key())).reconcile(standby);
                    LinkInfo eth0 = addresses.link("eth0");
                    addresses.delete(InterfaceAddress.of(eth0.index(), VIP, 24, AddressScope.UNIVERSE, AddressLifetime.FOREVER));
                    addresses.addHostVip(VIP);
                    new ArpSysctls().applyDirectRouting("eth0");
                    ipvs.stopSyncDaemon(IpvsSyncDaemon.Role.MASTER);
                    ipvs.startSyncDaemon(new IpvsSyncDaemon(IpvsSyncDaemon.Role.BACKUP, "eth0", SYNC_ID));
                    System.out.println("DAEMONS n1 " + ipvs.syncDaemons());
                }
                return null;
            });
            NetNamespace.call("n3", () -> {
                try (AddressClient addresses = AddressClient.open(); IpvsClient ipvs = IpvsClient.open()) {
                    ipvs.stopSyncDaemon(IpvsSyncDaemon.Role.BACKUP);
                    ipvs.stopSyncDaemon(IpvsSyncDaemon.Role.BACKUP); // none running: no error
                    ipvs.startSyncDaemon(new IpvsSyncDaemon(IpvsSyncDaemon.Role.MASTER, "eth0", SYNC_ID));
                    new IpvsReconciler(ipvs, Set.of(web.key())).reconcile(table);
                    LinkInfo eth0 = addresses.link("eth0");
                    addresses.add(InterfaceAddress.of(eth0.index(), VIP, 24, AddressScope.UNIVERSE, AddressLifetime.FOREVER));
                    System.out.println("DAEMONS n3 " + ipvs.syncDaemons());
                }
                return null;
            });
        } else {
            throw new IllegalArgumentException("usage: ConnectionSyncNodes setup|takeover");
        }
        System.out.println("NODES-DONE " + args[0]);
    }
}
