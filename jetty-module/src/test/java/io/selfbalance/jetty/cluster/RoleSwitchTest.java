package io.selfbalance.jetty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.config.V3Checksum;
import io.selfbalance.health.policy.HealthObservation;
import io.selfbalance.health.policy.Ticker;
import io.selfbalance.ipvs.IpvsTable;
import io.selfbalance.vrrp.HandoverOutcome;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.TransitionCause;
import io.selfbalance.vrrp.VrrpState;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of the role switch's kernel changes, against a recording data plane (the UML test does it for real). */
class RoleSwitchTest {

    static final IpPrefix VIP = IpPrefix.parse("192.168.77.254/24");

    static EffectiveConfig.Router router(String name, IpPrefix... vips) {
        return new EffectiveConfig.Router(name, 51, List.of(vips), 150, 3, Duration.ofSeconds(1), true, Duration.ZERO,
                List.of(), V3Checksum.RFC5798, 3, Duration.ofMillis(100), Duration.ZERO);
    }

    private final RecordingDataPlane plane = new RecordingDataPlane();
    private final List<String> errors = new ArrayList<>();
    private final List<RoleSwitch> masters = new ArrayList<>();

    private RoleSwitch roleSwitch(EffectiveConfig.Router r) {
        return roleSwitch(r, false);
    }

    private RoleSwitch roleSwitch(EffectiveConfig.Router r, boolean connectionSync) {
        return new RoleSwitch(r, plane, Duration.ofSeconds(30), new RoleSwitch.Owner() {
            @Override
            public void mastershipChanged(RoleSwitch router) {
                plane.calls.add("ipvs " + (router.isMaster() ? "with " : "without ") + router.name());
            }

            @Override
            public void dataPlaneError(String what, RuntimeException error) {
                errors.add(what + ": " + error.getMessage());
            }

            @Override
            public void changed() {
            }
        }, connectionSync);
    }

    private static StateChange change(VrrpState from, VrrpState to, TransitionCause cause) {
        return new StateChange(51, from, to, cause, null, 0);
    }

    @Test
    void becomingMasterMovesTheVipFromLoToTheInterfaceThenAnnouncesThenProgramsIpvs() {
        RoleSwitch rs = roleSwitch(router("main", VIP));
        rs.takeBackupPosition();
        assertEquals(List.of("vip off if 192.168.77.254", "vip on lo 192.168.77.254"), plane.calls);
        plane.calls.clear();

        rs.stateChanged(change(VrrpState.INITIALIZE, VrrpState.BACKUP, TransitionCause.STARTUP));
        assertEquals(List.of(), plane.calls, "backup at start changes nothing");
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        assertEquals(List.of("vip off lo 192.168.77.254", "vip on if 192.168.77.254/24 30s", "announce 192.168.77.254 x3",
                "ipvs with main"), plane.calls);
        assertTrue(rs.isMaster());
    }

    /**
     * With connection synchronisation the sync daemon follows the role: backup daemon in the backup position; the
     * master daemon before the VIP moves to the interface (while the backup daemon runs, backup_only keeps the node
     * from directing); back to the backup daemon once the VIP is on lo; none after removeAll.
     */
    @Test
    void withConnectionSyncTheSyncDaemonFollowsTheRoleInASafeOrder() {
        RoleSwitch rs = roleSwitch(router("main", VIP), true);
        rs.takeBackupPosition();
        assertEquals(List.of("sync BACKUP 51", "vip off if 192.168.77.254", "vip on lo 192.168.77.254"), plane.calls);
        plane.calls.clear();
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        assertEquals(List.of("sync MASTER 51", "vip off lo 192.168.77.254", "vip on if 192.168.77.254/24 30s",
                "announce 192.168.77.254 x3", "ipvs with main"), plane.calls);
        plane.calls.clear();
        rs.stateChanged(change(VrrpState.MASTER, VrrpState.BACKUP, TransitionCause.HIGHER_PRIORITY_SEEN));
        assertEquals(List.of("ipvs without main", "announce cancelled 192.168.77.254", "vip off if 192.168.77.254",
                "vip on lo 192.168.77.254", "sync BACKUP 51"), plane.calls);
        plane.calls.clear();
        rs.removeAll();
        assertEquals(List.of("sync NONE 51", "vip off if 192.168.77.254", "vip off lo 192.168.77.254"), plane.calls);
        assertEquals(List.of(), errors);
    }

    @Test
    void aMasterAnsweringALowerMasterAnnouncesItsVipsAgainOnlyWhileMasterAndNotHandingOver() {
        RoleSwitch rs = roleSwitch(router("main", VIP, IpPrefix.parse("fd77::254/64")));
        InetAddress loser = ip("192.168.77.12");
        rs.masterReasserted(51, loser, 100, 0);
        assertEquals(List.of(), plane.calls, "a backup does not announce");
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        plane.calls.clear();
        rs.masterReasserted(51, loser, 100, 0);
        assertEquals(List.of("announce 192.168.77.254 x3", "announce fd77:0:0:0:0:0:0:254 x3"), plane.calls,
                "the same burst as on becoming master, no VIP or IPVS change");
        assertEquals(1, rs.reannounced());
        rs.masterReasserted(51, loser, 100, 0);
        assertTrue(plane.calls.containsAll(List.of("announce cancelled 192.168.77.254", "announce cancelled fd77:0:0:0:0:0:0:254")),
                "a new burst replaces the previous one: " + plane.calls);
        plane.calls.clear();
        rs.handoverStarted(51, 0);
        assertTrue(plane.calls.containsAll(List.of("announce cancelled 192.168.77.254", "announce cancelled fd77:0:0:0:0:0:0:254")),
                "a handover stops the announcements: " + plane.calls);
        plane.calls.clear();
        rs.masterReasserted(51, loser, 100, 0);
        assertEquals(List.of(), plane.calls, "not while handing over");
        assertEquals(2, rs.reannounced());
        rs.stateChanged(change(VrrpState.MASTER, VrrpState.BACKUP, TransitionCause.HIGHER_PRIORITY_SEEN));
        assertFalse(plane.calls.contains("announce cancelled fd77:0:0:0:0:0:0:254"), "cancelled once, at the handover's start: " + plane.calls);
        assertEquals(List.of(), errors);
    }

    @Test
    void leavingMasterWithoutAHandoverCancelsTheAnnouncements() {
        RoleSwitch rs = roleSwitch(router("main", VIP));
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        plane.calls.clear();
        rs.stateChanged(change(VrrpState.MASTER, VrrpState.BACKUP, TransitionCause.HIGHER_PRIORITY_SEEN));
        assertEquals(List.of("ipvs without main", "announce cancelled 192.168.77.254", "vip off if 192.168.77.254",
                "vip on lo 192.168.77.254"), plane.calls);
    }

    @Test
    void everyAdvertisementSentRenewsTheLifetimeOnlyWhileMaster() {
        RoleSwitch rs = roleSwitch(router("main", VIP));
        rs.advertisementSent(null, 0);
        assertEquals(List.of(), plane.calls);
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        plane.calls.clear();
        rs.advertisementSent(null, 0);
        rs.advertisementSent(null, 0);
        assertEquals(List.of("vip on if 192.168.77.254/24 30s", "vip on if 192.168.77.254/24 30s"), plane.calls);
        assertEquals(2, rs.vipRefreshes());
    }

    @Test
    void plannedHandoverKeepsForwardingUntilTheStateChangeThenReleasesIpvsFirst() {
        RoleSwitch rs = roleSwitch(router("main", VIP));
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        plane.calls.clear();
        rs.handoverStarted(51, 0);
        assertTrue(rs.isMaster() && rs.isHandingOver());
        assertEquals(List.of("announce cancelled 192.168.77.254"), plane.calls,
                "make-before-break: VIP and IPVS kept while handing over, only the announcements stop");
        plane.calls.clear();
        rs.handoverReleased(51, HandoverOutcome.NEW_MASTER_HEARD, null, 0);
        rs.stateChanged(change(VrrpState.MASTER, VrrpState.BACKUP, TransitionCause.RESIGN));
        assertEquals(List.of("ipvs without main", "vip off if 192.168.77.254", "vip on lo 192.168.77.254"), plane.calls);
        assertFalse(rs.isMaster());
    }

    @Test
    void aFailedStepDoesNotStopTheRelease() {
        RoleSwitch rs = roleSwitch(router("main", VIP, IpPrefix.parse("192.168.77.253/24")));
        rs.stateChanged(change(VrrpState.BACKUP, VrrpState.MASTER, TransitionCause.MASTER_DOWN_TIMEOUT));
        plane.calls.clear();
        plane.failNext = new IllegalStateException("EBUSY");
        rs.stateChanged(change(VrrpState.MASTER, VrrpState.INITIALIZE, TransitionCause.SHUTDOWN));
        assertEquals(List.of("remove VIP 192.168.77.254/24 from the interface: EBUSY"), errors);
        assertTrue(plane.onLoopback.containsAll(List.of(ip("192.168.77.254"), ip("192.168.77.253"))),
                plane.calls.toString());
        assertEquals(List.of(ip("192.168.77.254")), List.copyOf(plane.onInterface), "only the failed removal is left");
        rs.removeAll();
        assertTrue(plane.onInterface.isEmpty() && plane.onLoopback.isEmpty(), plane.calls.toString());
    }

    @Test
    void weightsFollowHealthAndGiveOneDrDestinationPerNodeOfTheVipFamily() throws Exception {
        EffectiveConfig cfg = config(List.of(router("main", VIP), router("second", IpPrefix.parse("fd77::254/64"))));
        long[] now = {0};
        NodeWeights w = new NodeWeights(cfg, () -> now[0]);
        assertEquals(4, NodeWeights.ownedServices(cfg).size(), "2 VIPs x 2 services");
        IpvsTable none = w.desiredTable(List.of());
        assertTrue(none.entries().isEmpty());
        IpvsTable initial = w.desiredTable(List.of(cfg.routers().get(0)));
        assertEquals(2, initial.entries().size());
        assertEquals(2, initial.entries().get(0).destinations().size(), "the IPv6 node is not a destination of an IPv4 VIP");
        assertTrue(initial.entries().get(0).destinations().stream().allMatch(d -> d.weight() == 0), "no result yet: weight 0");

        assertTrue(w.observe("n1", HealthObservation.up()));
        assertTrue(w.observe("n2", HealthObservation.up()));
        assertEquals(5, w.weight("n2"));
        assertFalse(w.observe("n2", HealthObservation.down("HTTP 503")), "one failure of fall 2 keeps the weight");
        assertTrue(w.observe("n2", HealthObservation.down("HTTP 503")));
        assertEquals(0, w.weight("n2"));
        IpvsTable t = w.desiredTable(List.of(cfg.routers().get(0)));
        assertEquals("[192.168.77.11:8080 DIRECT_ROUTE weight 1, 192.168.77.12:8080 DIRECT_ROUTE weight 0]",
                t.entries().get(0).destinations().toString());
        IpvsTable v6 = w.desiredTable(List.of(cfg.routers().get(1)));
        assertEquals("[[fd77::13]:8080 DIRECT_ROUTE weight 0]", v6.entries().get(0).destinations().toString());
    }

    static EffectiveConfig config(List<EffectiveConfig.Router> routers) throws Exception {
        return new EffectiveConfig("eth0", ip("192.168.77.11"), routers,
                List.of(new EffectiveConfig.Service("http", io.selfbalance.config.ServiceProtocol.TCP, 8080, "wrr", io.selfbalance.config.Forwarding.DR),
                        new EffectiveConfig.Service("alt", io.selfbalance.config.ServiceProtocol.TCP, 8081, "wrr", io.selfbalance.config.Forwarding.DR)),
                List.of(new EffectiveConfig.Node("n1", ip("192.168.77.11"), 1, java.net.URI.create("http://192.168.77.11:8080/health/ready"), true),
                        new EffectiveConfig.Node("n2", ip("192.168.77.12"), 5, java.net.URI.create("http://192.168.77.12:8080/health/ready"), false),
                        new EffectiveConfig.Node("n3", ip("fd77::13"), 1, java.net.URI.create("http://[fd77::13]:8080/health/ready"), false)),
                new EffectiveConfig.Health(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2, Duration.ofSeconds(1),
                        io.selfbalance.config.ResignOn.ANY),
                Duration.ofSeconds(10), Duration.ofSeconds(30), new EffectiveConfig.Status(true, "/selfbalance/status", true));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
