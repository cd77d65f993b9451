package io.selfbalance.vrrp;

import static io.selfbalance.vrrp.VrrpCodecTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The state machine on a virtual clock: every rule with exact times. */
class VrrpRouterTest {
    static final List<InetAddress> VIPS = List.of(ip("192.168.77.254"));
    static final InetAddress PEER = ip("192.168.77.9");

    final VirtualTimeControlLoop loop = new VirtualTimeControlLoop();
    final SimulatedLan lan = new SimulatedLan(loop, IpFamily.IPV4);

    static long ns(String seconds) {
        return new BigDecimal(seconds).movePointRight(9).longValueExact();
    }

    final class Node {
        final SimulatedLan.Port port;
        final EventRecorder events = new EventRecorder();
        final VrrpRouter router;

        Node(String address, VrrpRouterSettings s) {
            port = lan.attach(ip(address));
            router = VrrpRouter.create(s, port, loop, events);
            router.start();
        }

        VrrpState state() {
            return router.status().state();
        }
    }

    static VrrpRouterSettings v3(int priority) {
        return VrrpRouterSettings.v3("eth0", 51, priority, Duration.ofSeconds(1), VIPS);
    }

    static VrrpRouterSettings v2(int priority) {
        return v3(priority).withVersion(VrrpVersion.V2, Duration.ofSeconds(1));
    }

    void at(String seconds) {
        loop.runUntil(ns(seconds));
    }

    void injectEvery(VrrpAdvertisement adv, String from, String until, String step) {
        for (long t = ns(from); t <= ns(until); t += ns(step)) {
            long when = t;
            loop.schedule(() -> lan.inject(PEER, adv), when - loop.nanoTime());
        }
    }

    static VrrpAdvertisement peerAdvert(int priority, int intervalCentis) {
        return VrrpAdvertisement.v3(IpFamily.IPV4, 51, priority, intervalCentis, VIPS);
    }

    // ---------------------------------------------------------------- timing

    @Test
    void masterDownIntervalAtPriority100And1sIs3609375() {
        Node n = new Node("192.168.77.1", v3(100));
        assertEquals(List.of("t=0 INITIALIZE->BACKUP STARTUP"), n.events.events);
        assertEquals(ns("3.609375"), n.router.status().masterDownIntervalNanos());
        loop.runUntil(ns("3.609375") - 1);
        assertEquals(VrrpState.BACKUP, n.state());
        assertTrue(n.port.sent.isEmpty(), "a backup sends nothing");
        at("3.609375");
        assertEquals("t=3.609375 BACKUP->MASTER MASTER_DOWN_TIMEOUT", n.events.last());
        at("6.7");
        assertEquals(List.of(ns("3.609375"), ns("4.609375"), ns("5.609375"), ns("6.609375")), n.events.advertTimes);
        assertEquals(4, n.router.status().advertisementsSent());
    }

    @Test
    void skewTimeScalesWithPriority() {
        Node hi = new Node("192.168.77.1", v3(254));
        assertEquals(ns("3.0078125"), hi.router.status().masterDownIntervalNanos()); // 3 + 2/256
        Node lo = new Node("192.168.77.2", v3(1));
        assertEquals(ns("3.99609375"), lo.router.status().masterDownIntervalNanos()); // 3 + 255/256
        Node fast = new Node("192.168.77.3",
                VrrpRouterSettings.v3("eth0", 51, 100, Duration.ofMillis(100), VIPS));
        assertEquals(ns("0.3609375"), fast.router.status().masterDownIntervalNanos());
    }

    @Test
    void backupLearnsTheMastersInterval() {
        Node n = new Node("192.168.77.1", v3(100));
        injectEvery(peerAdvert(200, 50), "1", "2", "0.5");
        at("2");
        assertEquals(50, n.router.status().masterAdverIntervalCentis());
        // 3 * 0.5 + (156 * 0.5) / 256 = 1.8046875 after the last advert at 2 s
        assertEquals(ns("1.8046875"), n.router.status().masterDownIntervalNanos());
        loop.runUntil(ns("3.8046875") - 1);
        assertEquals(VrrpState.BACKUP, n.state());
        at("3.8046875");
        assertEquals("t=3.8046875 BACKUP->MASTER MASTER_DOWN_TIMEOUT", n.events.last());
        assertEquals(100, n.router.status().masterAdverIntervalCentis(), "a master times itself with its own interval");
    }

    @Test
    void v2UsesItsOwnIntervalAndDropsAMismatch() {
        Node n = new Node("192.168.77.1", v2(100));
        assertEquals(ns("3.609375"), n.router.status().masterDownIntervalNanos());
        // a v2 master with a 2 s interval is dropped (INTERVAL), so it does not hold us back
        VrrpAdvertisement other = VrrpAdvertisement.v2(51, 200, 2, VIPS);
        loop.schedule(() -> lan.inject(PEER, other), ns("1"));
        at("3.609375");
        assertEquals("t=3.609375 BACKUP->MASTER MASTER_DOWN_TIMEOUT", n.events.last());
        assertEquals(1, n.router.status().dropped(DropReason.INTERVAL));
        assertTrue(n.events.events.contains("DROP INTERVAL"));
    }

    @Test
    void v2MasterDownUsesLocalIntervalEvenWhenPeerMatches() {
        Node n = new Node("192.168.77.1", v2(100));
        injectEvery(VrrpAdvertisement.v2(51, 200, 1, VIPS), "1", "5", "1");
        at("5");
        assertEquals(VrrpState.BACKUP, n.state());
        loop.runUntil(ns("8.609375") - 1);
        assertEquals(VrrpState.BACKUP, n.state());
        at("8.609375");
        assertEquals(VrrpState.MASTER, n.state());
        assertEquals(4, n.router.status().advertisementsSent() + 3, "one v2 advert at 8.609375");
    }

    // ---------------------------------------------------------------- preemption

    @Test
    void higherPriorityBackupPreemptsALowerMaster() {
        Node n = new Node("192.168.77.1", v3(200));
        injectEvery(peerAdvert(100, 100), "0.5", "20", "1");
        // lower-priority adverts are discarded: the timer armed at start (3.21875) runs out
        at("3.21875");
        assertEquals("t=3.21875 BACKUP->MASTER PREEMPT", n.events.last());
        assertEquals(PEER, n.events.changes.get(1).peer());
        // from then on the master answers each lower advert at once (RFC 9568)
        at("3.5");
        assertEquals(List.of(ns("3.21875"), ns("3.5")), n.events.advertTimes);
    }

    @Test
    void withoutPreemptALowerMasterIsKept() {
        Node n = new Node("192.168.77.1", v3(200).withPreempt(false, null));
        injectEvery(peerAdvert(100, 100), "0.5", "20", "1");
        at("20");
        assertEquals(VrrpState.BACKUP, n.state());
        assertEquals(ip("192.168.77.9"), n.router.status().masterAddress());
        assertEquals(100, n.router.status().masterPriority());
        at("23.609375"); // last advert at 19.5 + MDI(200)=3.21875 -> 22.71875
        assertEquals("t=22.71875 BACKUP->MASTER MASTER_DOWN_TIMEOUT", n.events.last());
    }

    @Test
    void preemptDelayHoldsBackPreemptionAfterStart() {
        Node n = new Node("192.168.77.1", v3(200).withPreempt(true, Duration.ofSeconds(10)));
        injectEvery(peerAdvert(100, 100), "1", "30", "1");
        loop.runUntil(ns("12.21875") - 1);
        assertEquals(VrrpState.BACKUP, n.state());
        // adverts until 9 s reset the timer; the one at 10 s is the first discarded; 9 + 3.21875
        at("12.21875");
        assertEquals("t=12.21875 BACKUP->MASTER PREEMPT", n.events.last());
    }

    // ---------------------------------------------------------------- tie-break and master rules

    @Test
    void equalPriorityResolvesToTheHigherAddressUnsigned() {
        Node low = new Node("192.168.77.20", v3(100));
        Node high = new Node("192.168.77.200", v3(100)); // 200 > 20 unsigned; as a signed byte 200 < 20
        at("3.609375");
        assertEquals(VrrpState.MASTER, high.state());
        assertEquals(VrrpState.BACKUP, low.state());
        assertEquals(List.of("t=0 INITIALIZE->BACKUP STARTUP", "t=3.609375 BACKUP->MASTER MASTER_DOWN_TIMEOUT",
                "t=3.609375 MASTER->BACKUP EQUAL_PRIORITY_HIGHER_ADDRESS"), low.events.events);
        at("60");
        assertEquals(VrrpState.MASTER, high.state());
        assertEquals(VrrpState.BACKUP, low.state());
        assertEquals(3, low.router.status().transitions());
        assertEquals(2, high.router.status().transitions());
    }

    @Test
    void masterAnswersALowerPriorityAdvertAtOnce() {
        Node n = new Node("192.168.77.1", v3(200));
        at("3.21875");
        assertEquals(VrrpState.MASTER, n.state());
        loop.schedule(() -> lan.inject(PEER, peerAdvert(100, 100)), ns("2.5") - ns("0.21875")); // at 5.5 s
        at("7");
        assertEquals(List.of(ns("3.21875"), ns("4.21875"), ns("5.21875"), ns("5.5"), ns("6.5")), n.events.advertTimes);
        assertEquals(VrrpState.MASTER, n.state());
    }

    @Test
    void masterYieldsToHigherPriority() {
        Node n = new Node("192.168.77.1", v3(100));
        at("4");
        loop.schedule(() -> lan.inject(PEER, peerAdvert(150, 200)), ns("0.25"));
        at("4.25");
        assertEquals("t=4.25 MASTER->BACKUP HIGHER_PRIORITY_SEEN", n.events.last());
        assertEquals(200, n.router.status().masterAdverIntervalCentis());
        // 3 * 2 + 156 * 2 / 256 = 7.21875 after the advert
        at("11.46875");
        assertEquals("t=11.46875 BACKUP->MASTER MASTER_DOWN_TIMEOUT", n.events.last());
    }

    @Test
    void masterAnswersPriorityZeroAtOnce() {
        Node n = new Node("192.168.77.1", v3(100));
        at("4");
        loop.schedule(() -> lan.inject(PEER, peerAdvert(0, 100)), ns("0.1"));
        at("5");
        assertEquals(List.of(ns("3.609375"), ns("4.1"), ns("5.1")).subList(0, 2), n.events.advertTimes);
        at("5.1");
        assertEquals(ns("5.1"), n.events.advertTimes.get(2));
    }

    @Test
    void backupTakesOverSkewTimeAfterPriorityZero() {
        Node n = new Node("192.168.77.1", v3(100));
        injectEvery(peerAdvert(200, 100), "0.5", "1.5", "1");
        loop.schedule(() -> lan.inject(PEER, peerAdvert(0, 100)), ns("2"));
        at("2");
        assertEquals(VrrpState.BACKUP, n.state());
        loop.runUntil(ns("2.609375") - 1);
        assertEquals(VrrpState.BACKUP, n.state());
        at("2.609375");
        assertEquals("t=2.609375 BACKUP->MASTER PRIORITY_ZERO_RECEIVED", n.events.last());
    }

    @Test
    void addressOwnerIsMasterAtStart() {
        Node n = new Node("192.168.77.1", v3(255));
        assertEquals(List.of("t=0 INITIALIZE->MASTER STARTUP"), n.events.events);
        assertEquals(List.of(0L), n.events.advertTimes);
    }

    // ---------------------------------------------------------------- shutdown, resign, handover

    @Test
    void stopAsMasterSendsPriorityZero() {
        Node n = new Node("192.168.77.1", v3(100));
        at("5");
        CompletableFuture<Void> f = n.router.stop();
        assertTrue(f.isDone());
        assertEquals("t=5 MASTER->INITIALIZE SHUTDOWN", n.events.last());
        long[] lastSent = n.port.sentPriorities().get(n.port.sent.size() - 1);
        assertEquals(ns("5"), lastSent[0]);
        assertEquals(0, lastSent[1]);
        assertTrue(n.port.closed, "transport closed on stop");
        int sent = n.port.sent.size();
        at("30");
        assertEquals(sent, n.port.sent.size(), "nothing after stop");
    }

    @Test
    void stopAsBackupSendsNothing() {
        Node n = new Node("192.168.77.1", v3(100));
        at("1");
        n.router.stop();
        assertEquals("t=1 BACKUP->INITIALIZE SHUTDOWN", n.events.last());
        assertTrue(n.port.sent.isEmpty());
        at("10");
        assertEquals(VrrpState.INITIALIZE, n.state());
    }

    @Test
    void resignIsMakeBeforeBreak() {
        Node a = new Node("192.168.77.1", v3(200));
        Node b = new Node("192.168.77.2", v3(100));
        at("10");
        assertEquals(VrrpState.MASTER, a.state());
        a.router.resign();
        // still master and forwarding while the handover runs
        assertEquals(VrrpState.MASTER, a.state());
        assertTrue(a.router.status().handingOver());
        assertEquals("t=10 HANDOVER_STARTED", a.events.last());
        loop.runUntil(ns("10.609375") - 1);
        assertEquals(VrrpState.MASTER, a.state());
        assertEquals(VrrpState.BACKUP, b.state());
        at("10.609375");
        assertEquals("t=10.609375 BACKUP->MASTER PRIORITY_ZERO_RECEIVED", b.events.last());
        // b's first advertisement went out before its role switch: a keeps forwarding until b's next one
        assertEquals(VrrpState.MASTER, a.state());
        assertTrue(a.router.status().handingOver());
        // a's next priority-0 advertisement (11 s) makes b, a master, answer at once: its second advertisement
        at("11");
        int n = a.events.events.size();
        assertEquals(List.of("t=11 HANDOVER_RELEASED NEW_MASTER_HEARD 192.168.77.2",
                "t=11 MASTER->BACKUP RESIGN"), a.events.events.subList(n - 2, n));
        assertFalse(a.router.status().handingOver());
        // the resigned router does not preempt the lower-priority new master
        at("60");
        assertEquals(VrrpState.MASTER, b.state());
        assertEquals(VrrpState.BACKUP, a.state());
        // setting a priority again re-enables preemption
        a.router.setPriority(200);
        at("65");
        assertEquals(VrrpState.MASTER, a.state());
        assertEquals(TransitionCause.PREEMPT, a.router.status().lastCause());
        assertEquals(VrrpState.BACKUP, b.state());
        assertEquals(TransitionCause.HIGHER_PRIORITY_SEEN, b.router.status().lastCause());
    }

    @Test
    void resignWithNobodyToTakeOverReleasesAfterMasterDownInterval() {
        Node a = new Node("192.168.77.1", v3(200));
        at("5");
        a.router.resign();
        // priority-0 adverts repeat each interval while handing over
        at("8.21875");
        assertEquals(List.of("t=0 INITIALIZE->BACKUP STARTUP", "t=3.21875 BACKUP->MASTER MASTER_DOWN_TIMEOUT",
                "t=5 HANDOVER_STARTED", "t=8.21875 HANDOVER_RELEASED MASTER_DOWN_INTERVAL_ELAPSED",
                "t=8.21875 MASTER->BACKUP RESIGN"), a.events.events);
        List<long[]> sent = a.port.sentPriorities();
        assertEquals(List.of(0L, 0L, 0L, 0L), sent.subList(sent.size() - 4, sent.size()).stream().map(x -> x[1]).toList());
        // nobody else exists: it takes the addresses back after Master_Down_Interval
        at("11.4375");
        assertEquals("t=11.4375 BACKUP->MASTER MASTER_DOWN_TIMEOUT", a.events.last());
    }

    @Test
    void priorityZeroWithdrawsUntilRaised() {
        Node a = new Node("192.168.77.1", v3(200));
        at("5");
        a.router.setPriority(0);
        assertTrue(a.router.status().handingOver());
        at("60");
        assertEquals(VrrpState.BACKUP, a.state());
        assertEquals(0, a.router.status().priority());
        a.router.setPriority(150);
        at("60");
        long mdi = a.router.status().masterDownIntervalNanos();
        assertEquals(ns("3.4140625"), mdi); // 3 + 106/256
        at("63.4140625");
        assertEquals("t=63.4140625 BACKUP->MASTER MASTER_DOWN_TIMEOUT", a.events.last());
    }

    @Test
    void loweringTheMastersPriorityLetsAHigherBackupPreempt() {
        Node a = new Node("192.168.77.1", v3(200));
        Node b = new Node("192.168.77.2", v3(100));
        at("10");
        a.router.setPriority(50);
        assertEquals(ns("10"), a.events.advertTimes.get(a.events.advertTimes.size() - 1), "new priority announced at once");
        // b discards the priority-50 adverts from 10 s on; a's last 200 advert (9.21875) reset its timer: + 3.609375
        at("12.828125");
        assertEquals("t=12.828125 BACKUP->MASTER PREEMPT", b.events.last());
        assertEquals("t=12.828125 MASTER->BACKUP HIGHER_PRIORITY_SEEN", a.events.last());
        assertThrows(IllegalArgumentException.class, () -> a.router.setPriority(255));
        assertThrows(IllegalArgumentException.class, () -> a.router.setPriority(-1));
    }

    @Test
    void stopGracefullyHandsOverFirst() {
        Node a = new Node("192.168.77.1", v3(200));
        Node b = new Node("192.168.77.2", v3(100));
        at("10");
        CompletableFuture<Void> done = a.router.stopGracefully();
        assertFalse(done.isDone());
        assertEquals(VrrpState.MASTER, a.state());
        at("10.609375");
        assertFalse(done.isDone(), "b's first advertisement precedes its role switch: a still forwards");
        at("11");
        assertTrue(done.isDone());
        int n = a.events.events.size();
        assertEquals(List.of("t=10 HANDOVER_STARTED", "t=11 HANDOVER_RELEASED NEW_MASTER_HEARD 192.168.77.2",
                "t=11 MASTER->INITIALIZE SHUTDOWN"), a.events.events.subList(n - 3, n));
        assertEquals(VrrpState.MASTER, b.state());
        assertTrue(a.port.closed);
        // priority-0 adverts at 10 s and 11 s (b answered the second at once): none after b's second advert
        List<long[]> zeros = a.port.sentPriorities().stream().filter(x -> x[1] == 0).toList();
        assertEquals(List.of(ns("10"), ns("11")), zeros.stream().map(x -> x[0]).toList());
    }

    // ---------------------------------------------------------------- three routers, link cut

    @Test
    void threeRoutersElectOneAndFailOverOnLinkCut() {
        Node n1 = new Node("192.168.77.1", v3(150));
        Node n2 = new Node("192.168.77.2", v3(100));
        Node n3 = new Node("192.168.77.3", v3(50));
        List<Node> all = List.of(n1, n2, n3);
        at("10");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.BACKUP, VrrpState.BACKUP), states(all));
        n1.port.linkUp = false;
        at("20");
        assertEquals(VrrpState.MASTER, n2.state(), "next highest takes over");
        assertEquals(VrrpState.BACKUP, n3.state());
        assertEquals(TransitionCause.MASTER_DOWN_TIMEOUT, n2.router.status().lastCause());
        // n1 (150) became master at 3 + 106/256 = 3.4140625 and last advertised at 9.4140625; n2 waits MDI(100)
        assertEquals(ns("9.4140625") + ns("3.609375"), n2.events.changes.get(1).atNanos());
        // RFC 5798 6.4.2: the advertisement goes out before the listener hears of the transition (its role switch
        // may take long; the other backups must hear the new master first)
        assertEquals(List.of("state BACKUP", "advert", "state MASTER"), n2.events.order.subList(0, 3));
        // the master that fell silent is named, so the composition can stop scheduling to it at once
        assertEquals("192.168.77.1", n2.events.changes.get(1).peer().getHostAddress());
        // n1 itself took over at start-up with no master heard: no peer to name
        assertEquals(TransitionCause.MASTER_DOWN_TIMEOUT, n1.events.changes.get(1).cause());
        assertNull(n1.events.changes.get(1).peer());
        n1.port.linkUp = true;
        at("21.5");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.BACKUP, VrrpState.BACKUP), states(all));
        assertEquals(TransitionCause.HIGHER_PRIORITY_SEEN, n2.router.status().lastCause());
    }

    @Test
    void partitionedMasterComingBackWithHigherPriorityPreempts() {
        Node n1 = new Node("192.168.77.1", v3(100));
        Node n2 = new Node("192.168.77.2", v3(90));
        Node n3 = new Node("192.168.77.3", v3(80));
        at("10");
        assertEquals(VrrpState.MASTER, n1.state());
        n1.port.linkUp = false;
        n1.router.stop(); // it is gone
        at("20");
        assertEquals(VrrpState.MASTER, n2.state());
        // a fresh router comes back with a higher priority and preempt
        Node n4 = new Node("192.168.77.4", v3(200));
        at("20");
        assertEquals(VrrpState.BACKUP, n4.state());
        at("30");
        assertEquals(List.of(VrrpState.BACKUP, VrrpState.BACKUP, VrrpState.MASTER), states(List.of(n2, n3, n4)));
        assertEquals(TransitionCause.PREEMPT, n4.router.status().lastCause());
    }

    // ---------------------------------------------------------------- partition and heal

    /** Events of {@code n} from {@code fromSeconds} on (events without a time, drops, are skipped). */
    static List<String> eventsFrom(Node n, String fromSeconds) {
        List<String> out = new ArrayList<>();
        for (String e : n.events.events) {
            if (e.startsWith("t=") && new BigDecimal(e.substring(2, e.indexOf(' '))).compareTo(new BigDecimal(fromSeconds)) >= 0) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * n1 (150) cut off from n2 (100) and n3 (50): both sides elect a master. On the heal at 20 s n2's
     * advertisement (20.0234375) crosses first: n1 answers it at once (RFC 9568 6.4.3) and reports it
     * (masterReasserted: the composition re-announces the VIP); n2 steps down with a parting advertisement.
     */
    @Test
    void partitionHealHigherMasterWinsWhenTheLowerAdvertCrossesFirst() {
        Node n1 = new Node("192.168.77.1", v3(150));
        Node n2 = new Node("192.168.77.2", v3(100));
        Node n3 = new Node("192.168.77.3", v3(50));
        at("5");
        n1.port.linkUp = false;
        at("20");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER, VrrpState.BACKUP), states(List.of(n1, n2, n3)),
                "split brain during the partition");
        n1.port.linkUp = true; // n1 advertises at x.4140625; n2 took over at 4.4140625 + 3.609375 = 8.0234375
        at("23");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.BACKUP, VrrpState.BACKUP), states(List.of(n1, n2, n3)));
        assertEquals(List.of("t=20.0234375 REASSERTED 192.168.77.2 100"), eventsFrom(n1, "20"));
        assertEquals(List.of("t=20.0234375 MASTER->BACKUP HIGHER_PRIORITY_SEEN"), eventsFrom(n2, "20"));
        assertEquals(List.of(), eventsFrom(n3, "20"), "n3 stays backup");
        // n1's answer went out at once and its timer restarted from there
        assertTrue(n1.events.advertTimes.contains(ns("20.0234375")));
        assertFalse(n1.events.advertTimes.contains(ns("20.4140625")));
        assertEquals(1, n1.router.status().reassertions());
        assertEquals(0, n2.router.status().reassertions());
        at("40");
        assertEquals(List.of("t=20.0234375 REASSERTED 192.168.77.2 100"), eventsFrom(n1, "20"), "one heal, one report");
        assertEquals(VrrpState.BACKUP, n2.state());
    }

    /**
     * The same heal when the higher master's advertisement crosses first (heal at 20.2 s, n1 advertises at
     * 20.4140625): n2 steps down with a parting advertisement at its own priority, so n1 still hears a lower
     * master, answers it and reports it.
     */
    @Test
    void partitionHealHigherMasterReassertsWhenItsAdvertCrossesFirst() {
        Node n1 = new Node("192.168.77.1", v3(150));
        Node n2 = new Node("192.168.77.2", v3(100));
        at("5");
        n1.port.linkUp = false;
        at("20.2");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), states(List.of(n1, n2)));
        n1.port.linkUp = true;
        at("22");
        assertEquals(List.of("t=20.4140625 REASSERTED 192.168.77.2 100"), eventsFrom(n1, "20"));
        assertEquals(List.of("t=20.4140625 MASTER->BACKUP HIGHER_PRIORITY_SEEN"), eventsFrom(n2, "20"));
        // the parting advertisement (priority 100) goes out at the moment n2 steps down
        assertTrue(n2.port.sentPriorities().stream().anyMatch(p -> p[0] == ns("20.4140625") && p[1] == 100));
        assertEquals(List.of(VrrpState.MASTER, VrrpState.BACKUP), states(List.of(n1, n2)));
    }

    /** Equal priorities: the higher address keeps mastership on the heal, the lower one steps down. */
    @Test
    void partitionHealEqualPriorityHigherAddressWins() {
        Node low = new Node("192.168.77.20", v3(100));
        Node high = new Node("192.168.77.200", v3(100));
        at("5");
        high.port.linkUp = false;
        at("20");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), states(List.of(low, high)));
        high.port.linkUp = true;
        at("22");
        assertEquals(List.of(VrrpState.BACKUP, VrrpState.MASTER), states(List.of(low, high)));
        assertEquals(TransitionCause.EQUAL_PRIORITY_HIGHER_ADDRESS, low.router.status().lastCause());
        List<String> highEvents = eventsFrom(high, "20");
        assertEquals(1, highEvents.size(), highEvents.toString());
        assertTrue(highEvents.get(0).endsWith(" REASSERTED 192.168.77.20 100"), highEvents.toString());
        assertEquals(1, eventsFrom(low, "20").size());
    }

    /** VRRPv2 routers heal the same way (RFC 3768 timing, the same master rules). */
    @Test
    void partitionHealV2() {
        Node n1 = new Node("192.168.77.1", v2(150));
        Node n2 = new Node("192.168.77.2", v2(100));
        at("5");
        n1.port.linkUp = false;
        at("20");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), states(List.of(n1, n2)));
        n1.port.linkUp = true;
        at("22");
        assertEquals(List.of(VrrpState.MASTER, VrrpState.BACKUP), states(List.of(n1, n2)));
        assertEquals(TransitionCause.HIGHER_PRIORITY_SEEN, n2.router.status().lastCause());
        assertEquals(1, n1.router.status().reassertions());
        assertTrue(eventsFrom(n1, "20").get(0).endsWith(" REASSERTED 192.168.77.2 100"), eventsFrom(n1, "20").toString());
    }

    /**
     * Lower-priority advertisements 10 times a second (a rogue, or several lower masters): each is answered
     * (RFC 9568), the listener hears at most one per advertisement interval.
     */
    @Test
    void reassertionIsReportedAtMostOncePerAdvertisementInterval() {
        Node n = new Node("192.168.77.1", v3(200));
        at("4.9");
        assertEquals(VrrpState.MASTER, n.state());
        int before = n.events.advertTimes.size();
        injectEvery(peerAdvert(100, 100), "5", "7.95", "0.1"); // 30 adverts at 5.0, 5.1, ... 7.9
        at("8.5");
        assertEquals(List.of("t=5 REASSERTED 192.168.77.9 100", "t=6 REASSERTED 192.168.77.9 100",
                "t=7 REASSERTED 192.168.77.9 100"), eventsFrom(n, "4.9"));
        assertEquals(3, n.router.status().reassertions());
        assertEquals(VrrpState.MASTER, n.state());
        // 30 answers and no periodic one in between: the timer restarts on every answer (next at 8.9)
        assertEquals(30, n.events.advertTimes.size() - before);
    }

    static List<VrrpState> states(List<Node> nodes) {
        List<VrrpState> s = new ArrayList<>();
        nodes.forEach(n -> s.add(n.state()));
        return s;
    }

    // ---------------------------------------------------------------- counters, unicast, drops

    @Test
    void countersAndDrops() {
        Node n = new Node("192.168.77.1", v3(100));
        byte[] ok = VrrpCodec.encode(peerAdvert(200, 100), PEER, IpFamily.IPV4.vrrpGroup(), ChecksumMode.MESSAGE_ONLY);
        lan.deliver(PEER, IpFamily.IPV4.vrrpGroup(), ok, 255);
        lan.deliver(PEER, IpFamily.IPV4.vrrpGroup(), ok, 64);
        byte[] bad = ok.clone();
        bad[2] = 1;
        lan.deliver(PEER, IpFamily.IPV4.vrrpGroup(), bad, 255);
        byte[] vrid = VrrpCodec.encode(VrrpAdvertisement.v3(IpFamily.IPV4, 52, 200, 100, VIPS), PEER,
                IpFamily.IPV4.vrrpGroup(), ChecksumMode.MESSAGE_ONLY);
        lan.deliver(PEER, IpFamily.IPV4.vrrpGroup(), vrid, 255);
        at("1");
        VrrpStatus s = n.router.status();
        assertEquals(1, s.advertisementsReceived());
        assertEquals(1, s.dropped(DropReason.TTL));
        assertEquals(1, s.dropped(DropReason.CHECKSUM));
        assertEquals(1, s.dropped(DropReason.UNKNOWN_VRID));
        assertEquals(3, s.totalDrops());
        assertEquals(DropReason.values().length, s.drops().size());
        assertEquals(1, s.transitions());
    }

    @Test
    void unicastSendsToEachPeerAndAcceptsOnlyPeers() {
        InetAddress p2 = ip("192.168.77.2");
        InetAddress p3 = ip("192.168.77.3");
        Node n = new Node("192.168.77.1", v3(200).withUnicastPeers(List.of(p2, p3)).withChecksumMode(ChecksumMode.MESSAGE_ONLY));
        at("3.21875");
        assertEquals(VrrpState.MASTER, n.state());
        assertEquals(List.of(p2, p3), n.port.sent.stream().map(SimulatedLan.Sent::destination).toList());
        assertEquals(2, n.router.status().advertisementsSent());
        // a stranger's advert (not in the peer list) is dropped
        byte[] m = VrrpCodec.encode(peerAdvert(250, 100), PEER, ip("192.168.77.1"), ChecksumMode.MESSAGE_ONLY);
        lan.deliver(PEER, ip("192.168.77.1"), m, 64);
        at("3.5");
        assertEquals(1, n.router.status().dropped(DropReason.UNKNOWN_UNICAST_SOURCE));
        assertEquals(VrrpState.MASTER, n.state());
        // a peer's advert with a higher priority is obeyed, whatever its TTL
        byte[] m2 = VrrpCodec.encode(peerAdvert(250, 100), p2, ip("192.168.77.1"), ChecksumMode.MESSAGE_ONLY);
        lan.deliver(p2, ip("192.168.77.1"), m2, 64);
        at("3.6");
        assertEquals(VrrpState.BACKUP, n.state());
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VrrpRouterSettings.v3("eth0", 256, 100, Duration.ofSeconds(1), VIPS));
        assertEquals("VRRP setting vrid = 256 is invalid; allowed: 1..255", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VrrpRouterSettings.v3("eth0", 1, 100, Duration.ofMillis(5), VIPS));
        assertTrue(e.getMessage().startsWith("VRRP setting advertInterval = PT0.005S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v3(100).withVersion(VrrpVersion.V2, Duration.ofMillis(1500)));
        assertTrue(e.getMessage().contains("whole seconds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VrrpRouterSettings.v3("eth0", 1, 100, Duration.ofSeconds(1), List.of(ip("fd77::1"))).withVersion(VrrpVersion.V2, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("VRRPv2 is IPv4 only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VrrpRouterSettings.v3("eth0", 1, 0, Duration.ofSeconds(1), VIPS));
        assertTrue(e.getMessage().contains("priority = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VrrpRouterSettings.v3("this-name-is-too-long", 1, 10, Duration.ofSeconds(1), VIPS));
        assertTrue(e.getMessage().contains("interfaceName"), e.getMessage());
        for (String bad : new String[] {"", ".", "..", "eth0\0x", "eth/0", "eth0:1", "eth 0", "eth\t0", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}) {
            e = assertThrows(IllegalArgumentException.class, () -> VrrpRouterSettings.v3(bad, 1, 10, Duration.ofSeconds(1), VIPS), bad);
            assertTrue(e.getMessage().startsWith("VRRP setting interfaceName = " + bad + " is invalid"), e.getMessage());
        }
        for (String good : new String[] {"eth0", "br-lan.100", "veth1234567890a", "wlp0s20f3"}) {
            assertEquals(good, VrrpRouterSettings.v3(good, 1, 10, Duration.ofSeconds(1), VIPS).interfaceName());
        }
        e = assertThrows(IllegalArgumentException.class, () -> v3(100).withUnicastPeers(List.of(ip("fd77::1"))));
        assertTrue(e.getMessage().contains("unicastPeers"), e.getMessage());
    }
}
