package io.selfbalance.jetty.cluster;

import io.selfbalance.ipvs.IpvsClient;
import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsSyncDaemon;
import io.selfbalance.ipvs.IpvsTable;
import io.selfbalance.ipvs.net.AddressClient;
import io.selfbalance.ipvs.net.AddressLifetime;
import io.selfbalance.ipvs.net.AddressScope;
import io.selfbalance.ipvs.net.AnnouncementSettings;
import io.selfbalance.ipvs.net.Announcer;
import io.selfbalance.ipvs.net.ArpSysctls;
import io.selfbalance.ipvs.net.InterfaceAddress;
import io.selfbalance.ipvs.net.IpvsSysctls;
import io.selfbalance.ipvs.net.LinkInfo;
import io.selfbalance.ipvs.net.PacketAnnouncementSender;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The data plane over the kernel: rtnetlink for addresses, generic netlink for IPVS, {@code AF_PACKET} /
 * ICMPv6 for announcements, {@code /proc/sys} for the ARP and IPVS sysctls. Opened on the control-plane loop, in the
 * network namespace of the process.
 */
public final class KernelDataPlane implements DataPlane {
    private final String interfaceName;
    private final LinkInfo link;
    private final int loopbackIndex;
    private final IpvsClient ipvs;
    private final AddressClient addresses;
    private final IpvsReconciler reconciler;
    private final PacketAnnouncementSender sender;
    private final Announcer announcer;
    private final ArpSysctls sysctls = new ArpSysctls();
    private ArpSysctls.Settings changedSysctls; // what was there before we changed it; null = we changed nothing
    private final IpvsSysctls ipvsSysctls = new IpvsSysctls();
    private IpvsSysctls.Settings changedIpvsSysctls; // likewise
    private Integer changedBackupOnly; // likewise, for net.ipv4.vs.backup_only

    /**
     * Opens IPVS first: on a kernel without IPVS this fails ({@link io.selfbalance.ipvs.IpvsUnavailableException}),
     * without the right to administer it ({@code CAP_NET_ADMIN}) it fails with EPERM ("read IPVS version": IPVS_CMD_GET_INFO),
     * before anything else is touched.
     *
     * @param owned the IPVS services this node may create and delete (every VIP x service of the configuration)
     * @param scheduler the control-plane loop the announcements run on
     * @param announceErrors where failed announcement sends go
     */
    public KernelDataPlane(String interfaceName, Set<IpvsService.Key> owned, ScheduledExecutorService scheduler,
                           Consumer<RuntimeException> announceErrors) {
        this.interfaceName = interfaceName;
        IpvsClient client = IpvsClient.open();
        AddressClient addressClient = null;
        PacketAnnouncementSender packets = null;
        try {
            // a privileged IPVS command first: without CAP_NET_ADMIN this fails (EPERM) before anything is touched
            client.info();
            addressClient = AddressClient.open();
            this.link = addressClient.link(interfaceName);
            this.loopbackIndex = addressClient.link(AddressClient.LOOPBACK).index();
            packets = new PacketAnnouncementSender().open();
        } catch (RuntimeException e) {
            client.close();
            if (addressClient != null) {
                addressClient.close();
            }
            if (packets != null) {
                packets.close();
            }
            throw e;
        }
        this.ipvs = client;
        this.addresses = addressClient;
        this.sender = packets;
        this.reconciler = new IpvsReconciler(client, owned);
        this.announcer = new Announcer(Announcer.Scheduler.of(scheduler), sender, announceErrors);
    }

    public LinkInfo link() {
        return link;
    }

    @Override
    public void applyDrSysctls() {
        ArpSysctls.Settings now = sysctls.read(interfaceName);
        boolean alreadyDr = now.allArpIgnore() == ArpSysctls.DR_ARP_IGNORE && now.allArpAnnounce() == ArpSysctls.DR_ARP_ANNOUNCE
                && now.interfaceArpIgnore() == ArpSysctls.DR_ARP_IGNORE && now.interfaceArpAnnounce() == ArpSysctls.DR_ARP_ANNOUNCE;
        // what was found is recorded before anything is written: a write that fails half-way (one file of several)
        // still leaves the files changed so far to be put back at stop
        if (!alreadyDr && changedSysctls == null) {
            changedSysctls = now;
            sysctls.applyDirectRouting(interfaceName);
        }
        // new connections that reuse a source port still in IPVS's connection table are scheduled anew instead of
        // following the old entry to a node of weight 0 (see IpvsSysctls)
        IpvsSysctls.Settings found = ipvsSysctls.read();
        if (!found.equals(IpvsSysctls.DIRECT_ROUTING) && changedIpvsSysctls == null) {
            changedIpvsSysctls = found;
            ipvsSysctls.apply(IpvsSysctls.DIRECT_ROUTING);
        }
    }

    @Override
    public void connectionSync(SyncRole role, int syncId) {
        if (role == SyncRole.NONE) {
            for (IpvsSyncDaemon d : ipvs.syncDaemons()) {
                if (d.interfaceName().equals(interfaceName) && d.syncId() == syncId) {
                    ipvs.stopSyncDaemon(d.role());
                }
            }
            return;
        }
        if (changedBackupOnly == null) {
            int found = ipvsSysctls.readBackupOnly();
            if (found != 0) {
                changedBackupOnly = found; // recorded before it is written, as for the other sysctls
                ipvsSysctls.applyBackupOnly(0);
            }
        }
        // the other role's daemon first: one that sends (master) or receives (backup), never both for one router
        ipvs.stopSyncDaemon(role == SyncRole.MASTER ? IpvsSyncDaemon.Role.BACKUP : IpvsSyncDaemon.Role.MASTER);
        ipvs.startSyncDaemon(new IpvsSyncDaemon(role == SyncRole.MASTER ? IpvsSyncDaemon.Role.MASTER : IpvsSyncDaemon.Role.BACKUP,
                interfaceName, syncId));
    }

    @Override
    public void restoreSysctls() {
        try {
            if (changedBackupOnly != null) {
                ipvsSysctls.applyBackupOnly(changedBackupOnly);
                changedBackupOnly = null;
            }
        } catch (RuntimeException e) {
            // the other sysctls are still put back
            restoreDrSysctls();
            throw e;
        }
        restoreDrSysctls();
    }

    private void restoreDrSysctls() {
        try {
            if (changedIpvsSysctls != null) {
                ipvsSysctls.restore(changedIpvsSysctls);
                changedIpvsSysctls = null;
            }
        } finally {
            if (changedSysctls != null) {
                sysctls.restore(changedSysctls);
                changedSysctls = null;
            }
        }
    }

    /** Whether {@link #applyDrSysctls()} changed anything that {@link #restoreSysctls()} will put back. */
    public boolean changedSysctls() {
        return changedSysctls != null || changedIpvsSysctls != null || changedBackupOnly != null;
    }

    @Override
    public void vipOnInterface(InetAddress vip, int prefixLength, Duration lifetime) {
        long seconds = Math.max(1, lifetime.toSeconds());
        // replace, not add: the same message renews the lifetime of a VIP already there
        addresses.refresh(new InterfaceAddress(link.index(), vip, prefixLength, AddressScope.UNIVERSE,
                AddressLifetime.ofSeconds(seconds), InterfaceAddress.IFA_F_NODAD));
    }

    @Override
    public void vipOffInterface(InetAddress vip) {
        for (InterfaceAddress a : find(link.index(), vip)) {
            addresses.delete(a);
        }
    }

    @Override
    public void vipOnLoopback(InetAddress vip) {
        addresses.addHostVip(vip);
    }

    @Override
    public void vipOffLoopback(InetAddress vip) {
        for (InterfaceAddress a : find(loopbackIndex, vip)) {
            addresses.delete(a);
        }
    }

    private List<InterfaceAddress> find(int index, InetAddress vip) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (InterfaceAddress a : addresses.addresses(index)) {
            if (a.address().equals(vip)) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public VipPlacement placement(InetAddress vip) {
        boolean onIf = false;
        boolean onLo = false;
        int prefix = 0;
        long valid = 0;
        for (InterfaceAddress a : addresses.addresses(link.index())) {
            if (a.address().equals(vip)) {
                onIf = true;
                prefix = a.prefixLength();
                valid = a.lifetime().isForever() ? -1 : a.lifetime().validSeconds();
            }
        }
        if (!find(loopbackIndex, vip).isEmpty()) {
            onLo = true;
        }
        return new VipPlacement(onIf, prefix, valid, onLo);
    }

    @Override
    public Announcement announce(InetAddress vip, int repeat, Duration delay, Duration refresh) {
        Announcer.Announcement a = announcer.start(link, vip, new AnnouncementSettings(repeat, delay, refresh));
        return new Announcement() {
            @Override
            public void cancel() {
                a.cancel();
            }

            @Override
            public long sent() {
                return a.sent();
            }
        };
    }

    @Override
    public IpvsReconciler.Report reconcile(IpvsTable desired) {
        return reconciler.reconcile(desired);
    }

    @Override
    public void resync() {
        reconciler.resync();
    }

    @Override
    public IpvsTable ownedTable() {
        Set<IpvsService.Key> owned = reconciler.owned();
        List<IpvsTable.Entry> entries = new ArrayList<>();
        for (IpvsService s : ipvs.services()) {
            if (owned.contains(s.key())) {
                entries.add(new IpvsTable.Entry(s, ipvs.destinations(s.key())));
            }
        }
        return new IpvsTable(entries);
    }

    @Override
    public void close() {
        sender.close();
        addresses.close();
        ipvs.close();
    }
}
