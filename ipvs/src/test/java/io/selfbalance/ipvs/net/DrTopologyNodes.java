package io.selfbalance.ipvs.net;

import static io.selfbalance.ipvs.Addresses.parse;

import io.selfbalance.ipvs.IpvsClient;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsTable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Inside user-mode-linux: configures the seed's DR topology with our code only (the script built
 * the namespaces, veths and node addresses and checks the result with ip/ipvsadm/curl).
 * n1 = master: VIP on eth0, IPVS wrr/DR to n1, n2, n3, gratuitous ARP + unsolicited NA;
 * n2, n3 = backups: VIP on lo scope host, arp_ignore/arp_announce.
 */
public final class DrTopologyNodes {
    static final InetAddress VIP = parse("192.168.77.254");
    static final InetAddress VIP6 = parse("fd77::fe");

    public static void main(String[] args) throws Exception {
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        NetNamespace.call("n1", () -> {
            try (AddressClient addresses = AddressClient.open(); IpvsClient ipvs = IpvsClient.open();
                 PacketAnnouncementSender sender = new PacketAnnouncementSender()) {
                LinkInfo eth0 = addresses.link("eth0");
                addresses.add(InterfaceAddress.of(eth0.index(), VIP, 24, AddressScope.UNIVERSE, AddressLifetime.FOREVER));
                addresses.add(InterfaceAddress.of(eth0.index(), VIP6, 64, AddressScope.UNIVERSE, AddressLifetime.FOREVER));
                new ArpSysctls().applyDirectRouting("eth0");
                IpvsService web = IpvsService.tcp(VIP, 80, "wrr");
                IpvsReconciler reconciler = new IpvsReconciler(ipvs, Set.of(web.key()));
                IpvsReconciler.Report report = reconciler.reconcile(IpvsTable.of(Map.of(web, List.of(
                        IpvsDestination.directRoute(parse("192.168.77.11"), 80, 1),
                        IpvsDestination.directRoute(parse("192.168.77.12"), 80, 1),
                        IpvsDestination.directRoute(parse("192.168.77.13"), 80, 1)))));
                System.out.println("n1 reconciled: " + report.operations());
                // Sockets opened on this thread live in n1; the announcer's scheduler thread then sends through them.
                sender.open();
                Announcer announcer = new Announcer(Announcer.Scheduler.of(loop), sender, e -> System.out.println("announce error " + e));
                Announcer.Announcement a4 = announcer.start(eth0, VIP, new AnnouncementSettings(3, Duration.ofMillis(100), Duration.ZERO));
                Announcer.Announcement a6 = announcer.start(eth0, VIP6, new AnnouncementSettings(3, Duration.ofMillis(100), Duration.ZERO));
                long end = System.nanoTime() + 20_000_000_000L;
                while ((a4.sent() + a4.failed() < 3 || a6.sent() + a6.failed() < 3) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                System.out.println("n1 announced: arp " + a4.sent() + " sent " + a4.failed() + " failed, na " + a6.sent() + " sent " + a6.failed() + " failed");
            }
            return null;
        });
        for (String backup : List.of("n2", "n3")) {
            NetNamespace.call(backup, () -> {
                try (AddressClient addresses = AddressClient.open()) {
                    addresses.addHostVip(VIP);
                    new ArpSysctls().applyDirectRouting("eth0");
                }
                System.out.println(backup + " holds the VIP on lo");
                return null;
            });
        }
        loop.shutdownNow();
        System.out.println("NODES-DONE");
    }
}
