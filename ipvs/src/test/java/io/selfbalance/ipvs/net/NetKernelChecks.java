package io.selfbalance.ipvs.net;

import static io.selfbalance.ipvs.Addresses.parse;

import io.selfbalance.ipvs.Checks;
import io.selfbalance.ipvs.Ipvsadm;
import java.nio.file.Path;

/**
 * Inside user-mode-linux (root namespace of the UML kernel, with a veth pair va/vb the script made):
 * addresses with lifetimes, the lo host-scope VIP, the ARP and IPVS sysctls, cross-checked with {@code ip} / sysctl(8).
 */
public final class NetKernelChecks {
    private NetKernelChecks() {}

    public static void run(Checks c) {
        c.run("links and addresses", () -> addresses(c));
        c.run("arp sysctls", () -> sysctls(c));
        c.run("ipvs sysctls", () -> ipvsSysctls(c));
    }

    static void addresses(Checks c) {
        try (AddressClient a = AddressClient.open()) {
            LinkInfo va = a.link("va");
            String ipLink = Ipvsadm.sh("ip -o link show va");
            c.that("link index and MAC match ip link", ipLink.startsWith(va.index() + ": va@") && ipLink.contains("link/ether " + va.mac()),
                    ipLink + " vs " + va);
            try {
                a.link("nosuch0");
                c.fail("missing link", "no exception");
            } catch (IllegalArgumentException e) {
                c.equal("missing link", "network interface 'nosuch0' does not exist in this network namespace", e.getMessage());
            }

            InterfaceAddress permanent = InterfaceAddress.of(va.index(), parse("192.168.77.21"), 24, AddressScope.UNIVERSE,
                    AddressLifetime.FOREVER);
            a.add(permanent);
            a.add(permanent); // EEXIST counts as done
            String shown = Ipvsadm.sh("ip -o addr show dev va");
            c.that("add address", shown.contains("inet 192.168.77.21/24 ") && shown.contains("scope global")
                    && shown.contains("valid_lft forever"), shown);
            c.that("list addresses", a.addresses(va.index()).contains(new InterfaceAddress(va.index(), parse("192.168.77.21"), 24,
                    AddressScope.UNIVERSE, AddressLifetime.FOREVER, InterfaceAddress.IFA_F_PERMANENT)), a.addresses(va.index()).toString());

            InterfaceAddress shortLived = InterfaceAddress.of(va.index(), parse("192.168.77.22"), 24, AddressScope.UNIVERSE,
                    AddressLifetime.ofSeconds(2));
            InterfaceAddress refreshed = InterfaceAddress.of(va.index(), parse("192.168.77.23"), 24, AddressScope.UNIVERSE,
                    AddressLifetime.ofSeconds(2));
            InterfaceAddress v6 = InterfaceAddress.of(va.index(), parse("fd77::22"), 64, AddressScope.UNIVERSE,
                    AddressLifetime.ofSeconds(2));
            a.add(shortLived);
            a.add(refreshed);
            a.add(v6);
            String withLft = Ipvsadm.sh("ip -o addr show dev va");
            c.that("finite lifetime visible", withLft.matches("(?s).*inet 192\\.168\\.77\\.22/24 .*valid_lft [12]sec.*")
                    && withLft.matches("(?s).*inet6 fd77::22/64 .*valid_lft [12]sec.*"), withLft);
            // refreshed on a schedule from another thread (as the control plane would), with its own socket
            java.util.concurrent.ScheduledExecutorService refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            AddressClient forRefresh = AddressClient.open();
            refresher.scheduleAtFixedRate(() -> forRefresh.refresh(refreshed), 0, 400, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                sleep(5000);
                String after = Ipvsadm.sh("ip -o addr show dev va");
                java.util.List<InterfaceAddress> ours = a.addresses(va.index());
                c.that("2 s lifetime: address gone by itself", !after.contains("192.168.77.22/"), after);
                c.that("2 s lifetime: ipv6 address gone by itself", !after.contains("fd77::22/"), after);
                c.that("refreshed address stays", after.contains("inet 192.168.77.23/24"), after);
                c.that("our listing agrees", ours.stream().noneMatch(x -> x.address().equals(parse("192.168.77.22")))
                        && ours.stream().anyMatch(x -> x.address().equals(parse("192.168.77.23"))
                        && !x.lifetime().isForever() && x.lifetime().validSeconds() <= 2), ours.toString());
            } finally {
                refresher.shutdownNow();
                try {
                    refresher.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                forRefresh.close();
            }
            a.delete(refreshed);

            a.delete(permanent);
            a.delete(permanent); // gone counts as done
            c.that("delete address", !Ipvsadm.sh("ip -o addr show dev va").contains("192.168.77.21/"), Ipvsadm.sh("ip -o addr show dev va"));

            a.addHostVip(parse("192.168.77.254"));
            a.addHostVip(parse("fd77::fe"));
            String lo = Ipvsadm.sh("ip -o addr show dev lo");
            c.that("VIP/32 on lo scope host", lo.contains("inet 192.168.77.254/32 scope host lo"), lo);
            // IPv6 takes no scope from user space: the kernel derives it from the address (global here, also with
            // `ip -6 addr add ... scope host`); the backup's VIP is deprecated instead, so it is never a source address
            c.that("VIP/128 on lo deprecated, no prefix route", lo.matches("(?s).*inet6 fd77::fe/128 scope global [^\\n]*noprefixroute.*")
                    && lo.matches("(?s).*inet6 fd77::fe/128 .*preferred_lft 0sec.*")
                    && Ipvsadm.sh("ip -6 -o addr show dev lo deprecated").contains("fd77::fe/128"), lo);
            c.that("v6 VIP on lo accepted locally", Ipvsadm.sh("ip -6 route get fd77::fe").startsWith("local fd77::fe "),
                    Ipvsadm.sh("ip -6 route get fd77::fe"));
            c.that("v6 VIP on lo: no prefix route", !Ipvsadm.sh("ip -6 route show table main").contains("fd77::fe"),
                    Ipvsadm.sh("ip -6 route show table main"));
            // source selection: with another (preferred) address of the same scope on lo, the VIP is never picked
            Ipvsadm.sh("ip -6 addr add fd79::5/128 dev lo nodad && ip -6 route add 2001:db8:77::/64 dev va");
            String route = Ipvsadm.sh("ip -6 route get 2001:db8:77::1");
            c.that("v6 VIP on lo never a source address", route.contains("src fd79::5") && !route.contains("fd77::fe"), route);
            Ipvsadm.sh("ip -6 route del 2001:db8:77::/64 dev va; ip -6 addr del fd79::5/128 dev lo");
            a.addHostVip(parse("fd77::fe")); // again: replaced, still one
            c.that("v6 VIP added twice is one address", Ipvsadm.sh("ip -6 -o addr show dev lo").split("fd77::fe/128", -1).length == 2,
                    Ipvsadm.sh("ip -6 -o addr show dev lo"));
            a.removeHostVip(parse("192.168.77.254"));
            a.removeHostVip(parse("fd77::fe"));
            a.removeHostVip(parse("192.168.77.254"));
            lo = Ipvsadm.sh("ip -o addr show dev lo");
            c.that("VIP removed from lo", !lo.contains("192.168.77.254") && !lo.contains("fd77::fe"), lo);
        }
    }

    static void sysctls(Checks c) {
        ArpSysctls s = new ArpSysctls();
        ArpSysctls.Settings before = s.read("va");
        c.equal("sysctl read agrees with sysctl(8)", Ipvsadm.sh("sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce "
                        + "net.ipv4.conf.va.arp_ignore net.ipv4.conf.va.arp_announce").replace('\n', ' ').strip(),
                before.allArpIgnore() + " " + before.allArpAnnounce() + " " + before.interfaceArpIgnore() + " " + before.interfaceArpAnnounce());
        ArpSysctls.Settings previous = s.applyDirectRouting("va");
        c.equal("apply returns previous", before, previous);
        c.equal("DR sysctls set", "3 2 3 2", Ipvsadm.sh("sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce "
                + "net.ipv4.conf.va.arp_ignore net.ipv4.conf.va.arp_announce").replace('\n', ' ').strip());
        s.restore(previous);
        c.equal("restored", before, s.read("va"));
        // a read-only view of the same files: the kernel refuses the write; the error must say what and why
        Ipvsadm.sh("mkdir -p /run/roconf && mount --bind /proc/sys/net/ipv4/conf /run/roconf && mount -o remount,ro,bind /run/roconf");
        try {
            new ArpSysctls(Path.of("/run/roconf")).applyDirectRouting("va");
            c.fail("not permitted", "no exception");
        } catch (ArpSysctls.SysctlException e) {
            c.that("not permitted: clear error", e.getMessage().startsWith("cannot set net.ipv4.conf.all.arp_ignore to 3 (/run/roconf/all/arp_ignore): read-only file system"),
                    e.getMessage());
        }
        c.equal("nothing changed by the refused write", before, s.read("va"));
    }

    static void ipvsSysctls(Checks c) {
        IpvsSysctls s = new IpvsSysctls();
        IpvsSysctls.Settings before = s.read();
        c.equal("ipvs sysctls: the kernel defaults, as sysctl(8) reads them", "1 0",
                Ipvsadm.sh("sysctl -n net.ipv4.vs.conn_reuse_mode net.ipv4.vs.expire_nodest_conn").replace('\n', ' ').strip());
        c.equal("ipvs sysctls: read agrees", new IpvsSysctls.Settings(1, 0), before);
        c.equal("ipvs sysctls: apply returns previous", before, s.apply(IpvsSysctls.DIRECT_ROUTING));
        c.equal("ipvs sysctls: DR values set", "3 1",
                Ipvsadm.sh("sysctl -n net.ipv4.vs.conn_reuse_mode net.ipv4.vs.expire_nodest_conn").replace('\n', ' ').strip());
        s.restore(before);
        c.equal("ipvs sysctls: restored", before, s.read());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
