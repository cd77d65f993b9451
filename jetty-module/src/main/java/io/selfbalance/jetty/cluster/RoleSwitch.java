package io.selfbalance.jetty.cluster;

import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.vrrp.HandoverOutcome;
import io.selfbalance.vrrp.StateChange;
import io.selfbalance.vrrp.VrrpAdvertisement;
import io.selfbalance.vrrp.VrrpListener;
import io.selfbalance.vrrp.VrrpState;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The role switch of one virtual router: what its VRRP state means for the kernel, done in a safe order.
 * <ul>
 * <li>Becoming MASTER: VIP off {@code lo}; VIP on the interface with a finite lifetime; gratuitous ARP /
 * unsolicited NA; then the IPVS services of its VIPs (through the controller's reconciliation).</li>
 * <li>While MASTER: every advertisement sent renews the VIPs' lifetime, so a VIP left by a JVM that died
 * expires by itself within the lifetime.</li>
 * <li>A planned handover (priority 0 sent) stops the announcements and nothing else: this node keeps the VIP and
 * forwards until the new master is heard (make-before-break); the release happens on the state change that
 * follows.</li>
 * <li>Leaving MASTER: IPVS services of its VIPs removed; announcements stopped; VIP off the interface; VIP on
 * {@code lo} with host scope, so this node still accepts what the new master forwards to it.</li>
 * </ul>
 * With connection synchronisation ({@code selfbalance.connection-sync}) the node-wide sync daemon follows the role: the
 * backup daemon in the backup position; becoming MASTER switches to the master daemon first (it sends the entries of
 * every connection it directs from then on); leaving MASTER switches back once the VIP is on {@code lo}. A backup then
 * keeps the IPVS services as a standby table (the controller's: only itself weighted).
 * Every step is attempted even when an earlier one failed (a release must never stop half-way); failures are
 * counted and reported. Runs on the control-plane loop only (the VRRP listener thread); no locks.
 */
public final class RoleSwitch implements VrrpListener {

    /** What the switch needs from its owner. */
    public interface Owner {
        /** This router's master state changed: bring the IPVS table to the new set of master routers. */
        void mastershipChanged(RoleSwitch router);

        /** A step failed; {@code what} names the step and the VIP. */
        void dataPlaneError(String what, RuntimeException error);

        /** Something the status shows changed. */
        void changed();
    }

    /** One state change with its cause, as status reports it. */
    public record Transition(String router, int vrid, VrrpState from, VrrpState to, String cause, InetAddress peer,
                             Instant at) {
    }

    private final EffectiveConfig.Router config;
    private final DataPlane dataPlane;
    private final Duration vipLifetime;
    private final Owner owner;
    private final List<DataPlane.Announcement> announcements = new ArrayList<>();
    /** The latest re-announcement burst (one per VIP); a new one replaces it. */
    private final List<DataPlane.Announcement> reannouncements = new ArrayList<>();
    private long reannounced;
    private boolean master;
    private boolean handingOver;
    private long vipRefreshes;
    private long roleSwitches;
    private Transition lastTransition;

    private final boolean connectionSync;

    public RoleSwitch(EffectiveConfig.Router config, DataPlane dataPlane, Duration vipLifetime, Owner owner) {
        this(config, dataPlane, vipLifetime, owner, false);
    }

    /** With {@code connectionSync}, the switch also moves the IPVS connection sync daemon (sync id = the VRID). */
    public RoleSwitch(EffectiveConfig.Router config, DataPlane dataPlane, Duration vipLifetime, Owner owner, boolean connectionSync) {
        this.config = config;
        this.dataPlane = dataPlane;
        this.vipLifetime = vipLifetime;
        this.owner = owner;
        this.connectionSync = connectionSync;
    }

    private void syncDaemon(DataPlane.SyncRole role) {
        if (connectionSync) {
            step("run the " + role.name().toLowerCase(java.util.Locale.ROOT) + " IPVS connection sync daemon (sync id "
                    + config.vrid() + ")", () -> dataPlane.connectionSync(role, config.vrid()));
        }
    }

    public EffectiveConfig.Router config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** Whether this node forwards the router's VIPs now (MASTER, including during a handover). */
    public boolean isMaster() {
        return master;
    }

    public boolean isHandingOver() {
        return handingOver;
    }

    public long vipRefreshes() {
        return vipRefreshes;
    }

    /** How many times this master re-announced its VIPs after answering a lower master (partition heal). */
    public long reannounced() {
        return reannounced;
    }

    public long roleSwitches() {
        return roleSwitches;
    }

    public Transition lastTransition() {
        return lastTransition;
    }

    /** Before the router starts: the VIPs where a backup keeps them ({@code lo}, host scope), none on the interface. */
    public void takeBackupPosition() {
        syncDaemon(DataPlane.SyncRole.BACKUP);
        for (IpPrefix vip : config.vips()) {
            step("remove stale VIP " + vip + " from the interface", () -> dataPlane.vipOffInterface(vip.address()));
            step("add VIP " + vip.address().getHostAddress() + " on lo", () -> dataPlane.vipOnLoopback(vip.address()));
        }
    }

    @Override
    public void stateChanged(StateChange change) {
        lastTransition = new Transition(config.name(), change.vrid(), change.from(), change.to(), change.cause().name(),
                change.peer(), Instant.now());
        if (change.to() == VrrpState.MASTER && !master) {
            becomeMaster();
        } else if (change.from() == VrrpState.MASTER && master) {
            leaveMaster();
        }
        owner.changed();
    }

    private void becomeMaster() {
        master = true;
        handingOver = false;
        roleSwitches++;
        syncDaemon(DataPlane.SyncRole.MASTER);
        for (IpPrefix vip : config.vips()) {
            InetAddress a = vip.address();
            step("remove VIP " + a.getHostAddress() + " from lo", () -> dataPlane.vipOffLoopback(a));
            step("add VIP " + vip + " on the interface", () -> dataPlane.vipOnInterface(a, vip.prefixLength(), vipLifetime));
            step("announce VIP " + a.getHostAddress(), () -> announcements.add(
                    dataPlane.announce(a, config.garpRepeat(), config.garpDelay(), config.garpRefresh())));
        }
        owner.mastershipChanged(this);
    }

    private void leaveMaster() {
        master = false;
        handingOver = false;
        roleSwitches++;
        owner.mastershipChanged(this); // IPVS services of these VIPs go first: no forwarding to a VIP we no longer hold
        announcements.forEach(DataPlane.Announcement::cancel);
        announcements.clear();
        reannouncements.forEach(DataPlane.Announcement::cancel);
        reannouncements.clear();
        for (IpPrefix vip : config.vips()) {
            InetAddress a = vip.address();
            step("remove VIP " + vip + " from the interface", () -> dataPlane.vipOffInterface(a));
            step("add VIP " + a.getHostAddress() + " on lo", () -> dataPlane.vipOnLoopback(a));
        }
        syncDaemon(DataPlane.SyncRole.BACKUP);
    }

    @Override
    public void advertisementSent(VrrpAdvertisement advertisement, long atNanos) {
        if (!master) {
            return;
        }
        for (IpPrefix vip : config.vips()) {
            step("renew the lifetime of VIP " + vip, () -> dataPlane.vipOnInterface(vip.address(), vip.prefixLength(), vipLifetime));
        }
        vipRefreshes++;
    }

    /**
     * This MASTER answered an advertisement of a lower master (RFC 9568 6.4.3; typically a healed partition where
     * both sides were master): hosts on the other side may still have the loser's MAC for the VIPs, so the same
     * gratuitous ARP / unsolicited NA burst as on becoming master goes out once more. VIPs and IPVS stay as they are.
     * Not while handing over (the VIPs are about to move) nor when not master.
     */
    @Override
    public void masterReasserted(int vrid, InetAddress otherMaster, int otherPriority, long atNanos) {
        if (!master || handingOver) {
            return;
        }
        reannouncements.forEach(DataPlane.Announcement::cancel);
        reannouncements.clear();
        for (IpPrefix vip : config.vips()) {
            InetAddress a = vip.address();
            step("re-announce VIP " + a.getHostAddress(), () -> reannouncements.add(
                    dataPlane.announce(a, config.garpRepeat(), config.garpDelay(), Duration.ZERO)));
        }
        reannounced++;
        owner.changed();
    }

    @Override
    public void handoverStarted(int vrid, long atNanos) {
        // still MASTER: keep the VIP and IPVS (forwarding) until the new master is heard; but stop announcing: a
        // refresh or the rest of a burst sent after the new master's own announcement would pull clients back here
        // just before this node lets go of the VIP
        handingOver = true;
        announcements.forEach(DataPlane.Announcement::cancel);
        announcements.clear();
        reannouncements.forEach(DataPlane.Announcement::cancel);
        reannouncements.clear();
        owner.changed();
    }

    @Override
    public void handoverReleased(int vrid, HandoverOutcome outcome, InetAddress newMaster, long atNanos) {
        handingOver = false; // the state change that follows releases the VIP
    }

    @Override
    public void transportError(int vrid, Exception error) {
        owner.dataPlaneError("VRRP transport of router " + config.name(),
                error instanceof RuntimeException r ? r : new RuntimeException(error));
    }

    /** Final clean-up on stop, whatever the state: no VIP on the interface, none on lo, no announcements. */
    public void removeAll() {
        announcements.forEach(DataPlane.Announcement::cancel);
        announcements.clear();
        reannouncements.forEach(DataPlane.Announcement::cancel);
        reannouncements.clear();
        master = false;
        syncDaemon(DataPlane.SyncRole.NONE);
        for (IpPrefix vip : config.vips()) {
            step("remove VIP " + vip + " from the interface", () -> dataPlane.vipOffInterface(vip.address()));
            step("remove VIP " + vip.address().getHostAddress() + " from lo", () -> dataPlane.vipOffLoopback(vip.address()));
        }
    }

    private void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            owner.dataPlaneError(what, e);
        }
    }
}
