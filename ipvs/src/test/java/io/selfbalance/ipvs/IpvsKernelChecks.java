package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;

import java.util.List;

/**
 * Runs inside user-mode-linux (root, IPVS loaded): every client operation cross-checked with the
 * real {@code ipvsadm}, and tables written by {@code ipvsadm} read back by our dump.
 */
public final class IpvsKernelChecks {
    static final IpvsService WEB = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");

    public static void main(String[] args) {
        Checks c = new Checks();
        try (IpvsClient ipvs = IpvsClient.open()) {
            c.run("client operations", () -> operations(c, ipvs));
            c.run("ipvsadm table read back", () -> readBack(c, ipvs));
            c.run("reconciler", () -> reconciler(c, ipvs));
        }
        io.selfbalance.ipvs.net.NetKernelChecks.run(c);
        c.done();
    }

    static void operations(Checks c, IpvsClient ipvs) {
        IpvsInfo info = ipvs.info();
        c.equal("version", "1.2.1", info.versionString());
        c.that("connection table size", info.connectionTableSize() > 0, "size " + info.connectionTableSize());
        ipvs.flush();
        c.equal("flushed", List.of(), Ipvsadm.save());

        ipvs.addService(WEB);
        c.equal("add service", List.of("-A -t 192.168.77.254:80 -s wrr"), Ipvsadm.save());
        ipvs.addService(WEB); // EEXIST counts as done
        c.pass("add existing service is done");

        IpvsDestination n1 = IpvsDestination.directRoute(parse("192.168.77.11"), 80, 1);
        IpvsDestination n2 = new IpvsDestination(parse("192.168.77.12"), 8080, Forwarding.NAT, 2, 100, 10, null);
        IpvsDestination n3 = new IpvsDestination(parse("192.168.77.13"), 80, Forwarding.TUNNEL, 0, 0, 0, null);
        ipvs.addDestination(WEB.key(), n1);
        ipvs.addDestination(WEB.key(), n2);
        ipvs.addDestination(WEB.key(), n3);
        ipvs.addDestination(WEB.key(), n1);
        c.equal("add destinations", List.of(
                "-A -t 192.168.77.254:80 -s wrr",
                "-a -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 1",
                "-a -t 192.168.77.254:80 -r 192.168.77.12:8080 -m -w 2",
                "-a -t 192.168.77.254:80 -r 192.168.77.13:80 -i -w 0 --tun-type ipip"), Ipvsadm.save());
        String thresholds = Ipvsadm.sh("ipvsadm -Ln --thresholds -t 192.168.77.254:80");
        c.that("thresholds", thresholds.matches("(?s).*192\\.168\\.77\\.12:8080\\s+100\\s+10\\s.*"), thresholds);

        List<IpvsDestination> dump = ipvs.destinations(WEB.key());
        c.equal("dump destinations", java.util.Set.of(n1, n2, n3), java.util.Set.copyOf(dump.stream().map(IpvsDestination::settings).toList()));
        c.that("dump has counters", dump.get(0).counters() != null, "no counters");

        ipvs.setWeight(WEB.key(), n1, 7);
        c.that("set weight", Ipvsadm.save().contains("-a -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 7"), Ipvsadm.save().toString());
        ipvs.editDestination(WEB.key(), new IpvsDestination(n2.address(), 8080, Forwarding.DIRECT_ROUTE, 4, 0, 0, null));
        c.that("edit destination forwarding", Ipvsadm.save().contains("-a -t 192.168.77.254:80 -r 192.168.77.12:8080 -g -w 4"), Ipvsadm.save().toString());

        ipvs.editService(WEB.withScheduler("rr").withPersistence(300));
        c.equal("edit service", "-A -t 192.168.77.254:80 -s rr -p 300", Ipvsadm.save().get(0));
        c.equal("dump service", WEB.withScheduler("rr").withPersistence(300), ipvs.services().get(0));
        ipvs.editService(WEB);
        c.equal("edit service back", "-A -t 192.168.77.254:80 -s wrr", Ipvsadm.save().get(0));

        ipvs.deleteDestination(WEB.key(), n3.key());
        ipvs.deleteDestination(WEB.key(), n3.key()); // ENOENT counts as done
        c.that("delete destination", Ipvsadm.save().stream().noneMatch(l -> l.contains("192.168.77.13")), Ipvsadm.save().toString());

        IpvsService udp = new IpvsService(AddressFamily.INET, IpvsProtocol.UDP, parse("192.168.77.254"), 53, 0, "rr",
                IpvsService.PERSISTENT, 120, 24);
        IpvsService v6 = IpvsService.of(IpvsProtocol.TCP, parse("fd77::1"), 443, "sh");
        IpvsService mark = IpvsService.firewallMark(AddressFamily.INET, 7, "wlc");
        IpvsService sctp = IpvsService.of(IpvsProtocol.SCTP, parse("192.168.77.254"), 99, "mh");
        ipvs.addService(udp);
        ipvs.addService(v6);
        ipvs.addDestination(v6.key(), IpvsDestination.directRoute(parse("fd77::11"), 443, 3));
        ipvs.addService(mark);
        ipvs.addService(sctp);
        List<String> saved = Ipvsadm.save();
        c.that("udp persistent netmask", saved.contains("-A -u 192.168.77.254:53 -s rr -p 120 -M 255.255.255.0"), saved.toString());
        c.that("ipv6 service", saved.contains("-A -t [fd77::1]:443 -s sh"), saved.toString());
        c.that("ipv6 destination", saved.contains("-a -t [fd77::1]:443 -r [fd77::11]:443 -g -w 3"), saved.toString());
        c.that("fwmark service", saved.contains("-A -f 7 -s wlc"), saved.toString());
        c.that("sctp service", saved.contains("-A --sctp-service 192.168.77.254:99 -s mh"), saved.toString());
        c.equal("our dump renders as ipvsadm -S", Ipvsadm.canonical(saved), Ipvsadm.canonical(Ipvsadm.render(ipvs.table())));

        ipvs.deleteService(udp.key());
        ipvs.deleteService(udp.key()); // ESRCH counts as done
        c.that("delete service", Ipvsadm.save().stream().noneMatch(l -> l.contains(":53")), Ipvsadm.save().toString());

        try {
            ipvs.editService(udp);
            c.fail("edit missing service fails", "no exception");
        } catch (io.selfbalance.ipvs.netlink.NetlinkException e) {
            c.that("edit missing service fails with errno and operation",
                    e.errno() == 3 && e.getMessage().startsWith("edit service UDP 192.168.77.254:53"), e.getMessage());
        }
        try {
            ipvs.addService(IpvsService.tcp(parse("192.168.77.254"), 81, "nosuchsched"));
            c.fail("unknown scheduler fails", "no exception");
        } catch (io.selfbalance.ipvs.netlink.NetlinkException e) {
            c.that("unknown scheduler fails", e.errno() == 2 && e.getMessage().contains("add service TCP 192.168.77.254:81"), e.getMessage());
        }

        ipvs.flush();
        c.equal("flush", List.of(), Ipvsadm.save());
        c.equal("dump after flush", List.of(), ipvs.services());
    }

    static void readBack(Checks c, IpvsClient ipvs) {
        String table = String.join("\n",
                "-A -t 192.168.77.254:80 -s wrr",
                "-a -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 1",
                "-a -t 192.168.77.254:80 -r 192.168.77.12:80 -g -w 2",
                "-a -t 192.168.77.254:80 -r 192.168.77.13:8080 -m -w 0 -x 50 -y 5",
                "-A -u 192.168.77.254:53 -s rr -p 300 -M 255.255.0.0",
                "-A -u 192.168.77.254:54 -s rr -o",
                "-A -t [fd77::1]:443 -s sh -p 60 -M 64",
                "-a -t [fd77::1]:443 -r [fd77::11]:443 -g -w 3",
                "-A -f 7 -s wlc",
                "-a -f 7 -r 192.168.77.11:0 -g -w 1",
                "-A -f 8 -6 -s lc",
                "") + "\n";
        Ipvsadm.sh("ipvsadm -C && ipvsadm -R", table);
        List<String> saved = Ipvsadm.save();
        IpvsTable ours = ipvs.table();
        c.equal("ipvsadm -R table read back line by line", Ipvsadm.canonical(saved), Ipvsadm.canonical(Ipvsadm.render(ours)));
        IpvsTable.Entry web = ours.find(new IpvsService.Key(AddressFamily.INET, IpvsProtocol.TCP, parse("192.168.77.254"), 80, 0));
        c.equal("thresholds read back", List.of(50, 5),
                List.of(web.destinations().stream().filter(d -> d.port() == 8080).findFirst().orElseThrow().upperThreshold(),
                web.destinations().stream().filter(d -> d.port() == 8080).findFirst().orElseThrow().lowerThreshold()));
        IpvsTable.Entry udp = ours.find(new IpvsService.Key(AddressFamily.INET, IpvsProtocol.UDP, parse("192.168.77.254"), 53, 0));
        c.equal("netmask read back", 16, udp.service().netmask());
        c.equal("timeout read back", 300, udp.service().timeout());
        IpvsTable.Entry ops = ours.find(new IpvsService.Key(AddressFamily.INET, IpvsProtocol.UDP, parse("192.168.77.254"), 54, 0));
        c.equal("one-packet flag read back", IpvsService.ONE_PACKET, ops.service().flags());
        c.equal("service count", 6, ours.entries().size());
        ipvs.flush();
        c.equal("flushed after read back", List.of(), Ipvsadm.save());
    }

    static void reconciler(Checks c, IpvsClient ipvs) {
        ipvs.flush();
        Ipvsadm.sh("ipvsadm -A -t 192.168.77.253:80 -s rr && ipvsadm -a -t 192.168.77.253:80 -r 192.168.77.50:80 -g -w 9");
        List<String> foreign = List.of("-A -t 192.168.77.253:80 -s rr", "-a -t 192.168.77.253:80 -r 192.168.77.50:80 -g -w 9");
        IpvsReconciler r = new IpvsReconciler(ipvs, java.util.Set.of(WEB.key()));
        IpvsDestination n1 = IpvsDestination.directRoute(parse("192.168.77.11"), 80, 1);
        IpvsDestination n2 = IpvsDestination.directRoute(parse("192.168.77.12"), 80, 1);
        IpvsDestination n3 = IpvsDestination.directRoute(parse("192.168.77.13"), 80, 1);

        IpvsReconciler.Report add = r.reconcile(table(WEB, n1, n2, n3));
        c.equal("reconcile add: operations", 4, add.operations().size());
        c.equal("reconcile add: kernel", Ipvsadm.canonical(List.of("-A -t 192.168.77.254:80 -s wrr",
                "-a -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 1", "-a -t 192.168.77.254:80 -r 192.168.77.12:80 -g -w 1",
                "-a -t 192.168.77.254:80 -r 192.168.77.13:80 -g -w 1", foreign.get(0), foreign.get(1))), Ipvsadm.canonical(Ipvsadm.save()));

        long before = ipvs.connection().messagesSent();
        IpvsReconciler.Report weight = r.reconcile(table(WEB, n1, n2.withWeight(0), n3));
        c.equal("reconcile weight: one message", 1L, ipvs.connection().messagesSent() - before);
        c.equal("reconcile weight: report", List.of(new IpvsOperation.EditDestination(WEB.key(), n2.withWeight(0))), weight.operations());
        c.that("reconcile weight: kernel", Ipvsadm.save().contains("-a -t 192.168.77.254:80 -r 192.168.77.12:80 -g -w 0"), Ipvsadm.save().toString());

        IpvsReconciler.Report remove = r.reconcile(table(WEB.withScheduler("mh"), n1, n2.withWeight(0)));
        c.equal("reconcile remove + scheduler: report", List.of(new IpvsOperation.EditService(WEB.withScheduler("mh")),
                new IpvsOperation.DeleteDestination(WEB.key(), n3.key())), remove.operations());
        c.that("reconcile remove: kernel", Ipvsadm.save().contains("-A -t 192.168.77.254:80 -s mh")
                && Ipvsadm.save().stream().noneMatch(l -> l.contains("192.168.77.13")), Ipvsadm.save().toString());

        Ipvsadm.sh("ipvsadm -e -t 192.168.77.254:80 -r 192.168.77.11:80 -g -w 42");
        r.resync();
        IpvsReconciler.Report repair = r.reconcile(table(WEB.withScheduler("mh"), n1, n2.withWeight(0)));
        c.equal("reconcile repairs a change made behind its back after resync",
                List.of(new IpvsOperation.EditDestination(WEB.key(), n1)), repair.operations());

        IpvsReconciler.Report gone = r.reconcile(IpvsTable.empty());
        c.equal("reconcile delete: report", List.of(new IpvsOperation.DeleteService(WEB.key())), gone.operations());
        c.equal("reconcile leaves others' services alone", foreign, Ipvsadm.save());

        // 1000 destinations, then one weight change: one message, measured in process
        List<IpvsDestination> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(IpvsDestination.directRoute(parse("10.9." + (i / 250) + "." + (i % 250 + 1)), 80, 1));
        }
        long t0 = System.nanoTime();
        IpvsReconciler.Report big = r.reconcile(table(WEB, many.toArray(IpvsDestination[]::new)));
        long t1 = System.nanoTime();
        c.equal("reconcile 1000: operations", 1001, big.operations().size());
        c.that("reconcile 1000: no failure", !big.failed(), big.results().toString());
        String listing = Ipvsadm.sh("ipvsadm -Ln -t 192.168.77.254:80 | grep -c Route");
        c.equal("reconcile 1000: kernel has them", "1000", listing.strip());
        long sum = 0;
        for (int k = 0; k < 20; k++) {
            many.set(k, many.get(k).withWeight(5 + k));
            long m0 = ipvs.connection().messagesSent();
            long w0 = System.nanoTime();
            r.reconcile(table(WEB, many.toArray(IpvsDestination[]::new)));
            sum += System.nanoTime() - w0;
            c.equal("weight change " + k + " in 1000: one message", 1L, ipvs.connection().messagesSent() - m0);
        }
        System.out.printf("TIMING reconcile-1000-add-ms=%.1f weight-change-avg-us=%.0f%n", (t1 - t0) / 1e6, sum / 20 / 1e3);
        c.that("weight change in 1000: kernel", Ipvsadm.sh("ipvsadm -Ln -t 192.168.77.254:80").matches("(?s).*10\\.9\\.0\\.1:80\\s+Route\\s+5\\s.*"),
                Ipvsadm.sh("ipvsadm -Ln -t 192.168.77.254:80 | head -5"));
        ipvs.flush();
    }

    static IpvsTable table(IpvsService s, IpvsDestination... d) {
        java.util.Map<IpvsService, List<IpvsDestination>> m = new java.util.LinkedHashMap<>();
        m.put(s, List.of(d));
        return IpvsTable.of(m);
    }
}
