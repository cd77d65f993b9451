package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpvsReconcilerTest {
    final IpvsService web = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");
    final IpvsService other = IpvsService.tcp(parse("192.168.77.253"), 80, "rr");

    static IpvsDestination dr(String a, int w) {
        return IpvsDestination.directRoute(parse(a), 80, w);
    }

    static IpvsTable table(IpvsService s, IpvsDestination... d) {
        Map<IpvsService, List<IpvsDestination>> m = new LinkedHashMap<>();
        m.put(s, List.of(d));
        return IpvsTable.of(m);
    }

    @Test
    void planAddsAMissingServiceWithItsDestinations() {
        List<IpvsOperation> ops = IpvsReconciler.plan(table(web, dr("10.0.0.1", 1), dr("10.0.0.2", 2)),
                IpvsTable.empty(), Set.of(web.key()));
        assertEquals(List.of(new IpvsOperation.AddService(web),
                new IpvsOperation.AddDestination(web.key(), dr("10.0.0.1", 1)),
                new IpvsOperation.AddDestination(web.key(), dr("10.0.0.2", 2))), ops);
    }

    @Test
    void planIsEmptyWhenTheTableMatchesIncludingKernelCounters() {
        IpvsDestination withCounters = new IpvsDestination(parse("10.0.0.1"), 80, Forwarding.DIRECT_ROUTE, 1, 0, 0,
                new IpvsDestination.Counters(5, 6, 0, IpvsStats.ZERO));
        assertEquals(List.of(), IpvsReconciler.plan(table(web, dr("10.0.0.1", 1)), table(web, withCounters), Set.of(web.key())));
    }

    @Test
    void planEditsInsteadOfRecreating() {
        IpvsTable current = table(web, dr("10.0.0.1", 1), dr("10.0.0.2", 1), dr("10.0.0.3", 1));
        IpvsService rr = web.withScheduler("rr");
        IpvsTable desired = table(rr, dr("10.0.0.1", 1), dr("10.0.0.2", 5), dr("10.0.0.4", 1));
        assertEquals(List.of(new IpvsOperation.EditService(rr),
                new IpvsOperation.DeleteDestination(web.key(), dr("10.0.0.3", 1).key()),
                new IpvsOperation.EditDestination(web.key(), dr("10.0.0.2", 5)),
                new IpvsOperation.AddDestination(web.key(), dr("10.0.0.4", 1))), IpvsReconciler.plan(desired, current, Set.of(web.key())));
    }

    @Test
    void planDeletesOwnedServicesNoLongerWantedAndLeavesOthersAlone() {
        Map<IpvsService, List<IpvsDestination>> cur = new LinkedHashMap<>();
        cur.put(web, List.of(dr("10.0.0.1", 1)));
        cur.put(other, List.of(dr("10.0.0.9", 1)));
        List<IpvsOperation> ops = IpvsReconciler.plan(IpvsTable.empty(), IpvsTable.of(cur), Set.of(web.key()));
        assertEquals(List.of(new IpvsOperation.DeleteService(web.key())), ops);
    }

    @Test
    void desiredServicesMustBeOwned() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsReconciler r = new IpvsReconciler(k.client(), Set.of(web.key()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.reconcile(table(other)));
        assertTrue(e.getMessage().contains("TCP 192.168.77.253:80"), e.getMessage());
    }

    @Test
    void reconcileAgainstTheFakeKernelReportsChangesAndLeavesOthersServices() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsClient c = k.client();
        c.addService(other);
        c.addDestination(other.key(), dr("10.0.0.9", 3));
        IpvsReconciler r = new IpvsReconciler(c, Set.of(web.key()));
        IpvsReconciler.Report first = r.reconcile(table(web, dr("10.0.0.1", 1), dr("10.0.0.2", 1)));
        assertEquals(3, first.operations().size());
        assertEquals(Set.of(web.key(), other.key()), k.services.keySet());
        IpvsReconciler.Report again = r.reconcile(table(web, dr("10.0.0.1", 1), dr("10.0.0.2", 1)));
        assertTrue(again.changedNothing());
        IpvsReconciler.Report removed = r.reconcile(IpvsTable.empty());
        assertEquals(List.of(new IpvsOperation.DeleteService(web.key())), removed.operations());
        assertEquals(Set.of(other.key()), k.services.keySet());
        assertEquals(1, k.destinations.get(other.key()).size());
    }

    @Test
    void oneWeightChangeInAThousandDestinationsSendsExactlyOneMessage() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsReconciler r = new IpvsReconciler(k.client(), Set.of(web.key()));
        List<IpvsDestination> dests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            dests.add(dr("10.2." + (i / 250) + "." + (i % 250 + 1), 1));
        }
        r.reconcile(table(web, dests.toArray(IpvsDestination[]::new)));
        assertEquals(1000, k.destinations.get(web.key()).size());
        int before = k.socket.allSentMessages().size();
        dests.set(500, dests.get(500).withWeight(0));
        IpvsReconciler.Report report = r.reconcile(table(web, dests.toArray(IpvsDestination[]::new)));
        List<NetlinkMessage> sent = k.socket.allSentMessages().subList(before, k.socket.allSentMessages().size());
        assertEquals(1, sent.size(), "messages sent for one weight change: " + sent);
        assertEquals(List.of(new IpvsOperation.EditDestination(web.key(), dests.get(500))), report.operations());
        assertEquals(0, k.destinations.get(web.key()).get(dests.get(500).key()).weight());
    }

    @Test
    void aFailedOperationMakesTheNextReconcileReReadTheKernel() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsReconciler r = new IpvsReconciler(k.client(), Set.of(web.key()));
        r.reconcile(table(web, dr("10.0.0.1", 1)));
        k.destinations.get(web.key()).clear(); // someone else removed it behind our back
        IpvsReconciler.Report edit = r.reconcile(table(web, dr("10.0.0.1", 2)));
        assertTrue(edit.failed());
        IpvsReconciler.Report repair = r.reconcile(table(web, dr("10.0.0.1", 2)));
        assertEquals(List.of(new IpvsOperation.AddDestination(web.key(), dr("10.0.0.1", 2))), repair.operations());
        k.destinations.get(web.key()).clear();
        r.resync();
        assertEquals(1, r.reconcile(table(web, dr("10.0.0.1", 2))).operations().size());
    }
}
