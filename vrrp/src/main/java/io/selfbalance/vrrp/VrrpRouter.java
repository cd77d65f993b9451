package io.selfbalance.vrrp;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One virtual router (one VRID on one interface): the RFC 5798 section 6 state machine as amended by
 * RFC 9568 (and RFC 3768 timing for VRRPv2), plus a make-before-break handover for planned
 * resignations.
 *
 * <p>Threading: every field below is owned by the {@link ControlLoop} thread; public methods may be
 * called from any thread and hand their work to the loop. {@link #status()} returns an immutable
 * snapshot published by the loop. No locks.
 */
public final class VrrpRouter {
    private static final long CENTI = 10_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final VrrpRouterSettings settings;
    private final VrrpTransport transport;
    private final ControlLoop loop;
    private final VrrpListener listener;
    private final ReceivePolicy policy;
    private final List<InetAddress> destinations;

    // ---- owned by the loop thread ----
    private InetAddress primary;
    private VrrpState state = VrrpState.INITIALIZE;
    private int priority;
    private boolean withdrawn;
    private boolean preemptSuppressed;
    private int masterAdverIntervalCentis;
    private ControlLoop.Timer adverTimer;
    private ControlLoop.Timer masterDownTimer;
    private ControlLoop.Timer handoverTimer;
    private boolean handingOver;
    private boolean stopAfterHandover;
    private boolean started;
    private boolean stopped;
    private final List<CompletableFuture<Void>> stopWaiters = new ArrayList<>();
    private TransitionCause pendingCause = TransitionCause.MASTER_DOWN_TIMEOUT;
    private InetAddress pendingPeer;
    /** While handing over: the router whose first advertisement was heard (the release waits for its second). */
    private InetAddress handoverFirstHeard;
    private long preemptAllowedAt;
    private InetAddress masterAddress;
    private int masterPriority = -1;
    private TransitionCause lastCause;
    private long advertisementsReceived;
    private long advertisementsSent;
    private long sendErrors;
    private long transitions;
    private long reassertions;
    private boolean reasserted;
    private long lastReassertedAt;
    private final long[] drops = new long[DropReason.values().length];

    private volatile VrrpStatus status;

    private VrrpRouter(VrrpRouterSettings settings, VrrpTransport transport, ControlLoop loop, VrrpListener listener) {
        if (settings == null || transport == null || loop == null) {
            throw new IllegalArgumentException("settings, transport and loop are required; got settings=" + settings
                    + ", transport=" + transport + ", loop=" + loop);
        }
        this.settings = settings;
        this.transport = transport;
        this.loop = loop;
        this.listener = listener == null ? VrrpListener.NONE : listener;
        this.policy = ReceivePolicy.of(settings);
        this.destinations = settings.unicastPeers().isEmpty() ? List.of(settings.family().vrrpGroup()) : settings.unicastPeers();
        this.priority = settings.priority();
        this.masterAdverIntervalCentis = settings.advertIntervalCentis();
        publish();
    }

    /** A router whose state is owned by {@code loop}; call {@link #start()} to run it. */
    public static VrrpRouter create(VrrpRouterSettings settings, VrrpTransport transport, ControlLoop loop,
                                    VrrpListener listener) {
        return new VrrpRouter(settings, transport, loop, listener);
    }

    /** A router owned by a Netty event loop (production). */
    public static VrrpRouter create(VrrpRouterSettings settings, VrrpTransport transport, EventLoop loop,
                                    VrrpListener listener) {
        return new VrrpRouter(settings, transport, new NettyControlLoop(loop), listener);
    }

    public VrrpRouterSettings settings() {
        return settings;
    }

    /** The latest snapshot; any thread. */
    public VrrpStatus status() {
        return status;
    }

    // ------------------------------------------------------------------ public operations

    /** Opens the transport and runs the Startup event; completes exceptionally if the transport fails. */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> {
            try {
                doStart();
                f.complete(null);
            } catch (RuntimeException e) {
                transport.close();
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Stops at once: a master sends priority 0 (backups take over after Skew_Time) and goes to
     * Initialize; the transport is closed.
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> {
            stopWaiters.add(f);
            doStop();
        });
        return f;
    }

    /**
     * Stops make-before-break: a master resigns (priority 0), keeps forwarding until the new master
     * is heard or Master_Down_Interval passes, then goes to Initialize. Completes when stopped.
     */
    public CompletableFuture<Void> stopGracefully() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> {
            stopWaiters.add(f);
            if (state == VrrpState.MASTER) {
                stopAfterHandover = true;
                withdrawn = true;
                priority = 0;
                if (!handingOver) {
                    startHandover();
                }
                publish();
            } else {
                doStop();
            }
        });
        return f;
    }

    /**
     * Planned resignation, make-before-break: a master announces priority 0 and keeps forwarding
     * until the new master's first advertisement (or Master_Down_Interval), then becomes Backup.
     * Afterwards this router does not preempt the new master until {@link #setPriority} is called.
     */
    public void resign() {
        onLoop(() -> {
            preemptSuppressed = true;
            if (state == VrrpState.MASTER && !handingOver) {
                startHandover();
            }
            publish();
        });
    }

    /**
     * Changes the local priority at run time. 0 withdraws: a master resigns (make-before-break) and
     * the router never becomes master until a priority above 0 is set again. 1..254 (255 only if
     * configured as address owner) re-enables preemption after a {@link #resign()}.
     */
    public void setPriority(int newPriority) {
        int max = settings.priority() == 255 ? 255 : 254;
        if (newPriority < 0 || newPriority > max) {
            throw new IllegalArgumentException("priority = " + newPriority + " is invalid; allowed: 0 (withdraw) .. " + max);
        }
        onLoop(() -> doSetPriority(newPriority));
    }

    // ------------------------------------------------------------------ loop-side logic

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private void doStart() {
        if (started) {
            throw new IllegalStateException("router vrid " + settings.vrid() + " was already started");
        }
        started = true;
        transport.start(datagram -> {
            // transport thread: validation is pure over immutable settings; state changes on the loop
            DecodeResult r = VrrpCodec.decode(datagram, policy);
            loop.execute(() -> onPacket(r));
        }, error -> loop.execute(() -> {
            if (!stopped) {
                notifyListener(() -> listener.transportError(settings.vrid(), error));
            }
        }));
        primary = settings.primaryAddress() != null ? settings.primaryAddress() : transport.sourceAddress();
        preemptAllowedAt = loop.nanoTime() + settings.preemptDelay().toNanos();
        if (priority == 255) {
            becomeMaster(TransitionCause.STARTUP, null);
        } else {
            masterAdverIntervalCentis = settings.advertIntervalCentis();
            enterBackup(TransitionCause.STARTUP, null);
        }
    }

    private void doStop() {
        doStop(true);
    }

    /** @param announce whether a master still has to send priority 0 (not after a finished handover) */
    private void doStop(boolean announce) {
        if (stopped || !started) {
            stopped = true;
            completeStop();
            return;
        }
        if (state == VrrpState.MASTER) {
            if (handingOver) {
                handingOver = false;
                notifyListener(() -> listener.handoverReleased(settings.vrid(), HandoverOutcome.STOPPED, null, loop.nanoTime()));
            } else if (announce) {
                sendAdvertisement(0);
            }
        }
        cancelTimers();
        stopped = true;
        if (state != VrrpState.INITIALIZE) {
            transition(VrrpState.INITIALIZE, TransitionCause.SHUTDOWN, null);
        }
        masterAddress = null;
        masterPriority = -1;
        transport.close();
        publish();
        completeStop();
    }

    private void completeStop() {
        List<CompletableFuture<Void>> w = new ArrayList<>(stopWaiters);
        stopWaiters.clear();
        w.forEach(f -> f.complete(null));
    }

    private void doSetPriority(int p) {
        if (stopped || (p == 0 && withdrawn)) {
            return;
        }
        if (p == priority && !withdrawn) {
            preemptSuppressed = false; // same priority again: only re-enables preemption after resign()
            publish();
            return;
        }
        if (p == 0) {
            withdrawn = true;
            priority = 0;
            if (state == VrrpState.MASTER && !handingOver) {
                startHandover();
            } else if (state == VrrpState.BACKUP) {
                cancel(masterDownTimer);
                masterDownTimer = null;
            }
        } else {
            boolean wasWithdrawn = withdrawn;
            withdrawn = false;
            preemptSuppressed = false;
            priority = p;
            if (state == VrrpState.MASTER && !handingOver) {
                // tell the backups now: a higher-priority backup with preempt takes over from here
                sendAdvertisement(priority);
                scheduleAdverTimer();
            } else if (state == VrrpState.BACKUP && (wasWithdrawn || masterDownTimer == null)) {
                pendingCause = TransitionCause.MASTER_DOWN_TIMEOUT;
                pendingPeer = null;
                armMasterDown(masterDownIntervalNanos());
            }
        }
        publish();
    }

    void onPacket(DecodeResult r) {
        if (!started || stopped) {
            return;
        }
        if (r instanceof DecodeResult.Dropped d) {
            drops[d.reason().ordinal()]++;
            notifyListener(() -> listener.packetDropped(settings.vrid(), d.reason(), d.detail()));
        } else if (r instanceof DecodeResult.Accepted a) {
            if (a.source().equals(primary)) {
                return; // our own advertisement looped back
            }
            advertisementsReceived++;
            onAdvertisement(a.advertisement(), a.source());
        }
        publish();
    }

    private void onAdvertisement(VrrpAdvertisement adv, InetAddress src) {
        switch (state) {
            case BACKUP -> backupReceived(adv, src);
            case MASTER -> masterReceived(adv, src);
            default -> { }
        }
    }

    private void backupReceived(VrrpAdvertisement adv, InetAddress src) {
        if (adv.priority() == 0) {
            // RFC 5798 6.4.2: the master resigned; take over after Skew_Time
            masterAddress = null;
            masterPriority = -1;
            pendingCause = TransitionCause.PRIORITY_ZERO_RECEIVED;
            pendingPeer = src;
            armMasterDown(skewNanos());
            return;
        }
        boolean preemptDelayed = loop.nanoTime() < preemptAllowedAt;
        if (!settings.preempt() || preemptSuppressed || withdrawn || preemptDelayed || adv.priority() >= priority) {
            if (settings.version() == VrrpVersion.V3) {
                masterAdverIntervalCentis = adv.intervalCentis();
            }
            masterAddress = src;
            masterPriority = adv.priority();
            pendingCause = TransitionCause.MASTER_DOWN_TIMEOUT;
            pendingPeer = null;
            armMasterDown(masterDownIntervalNanos());
        } else {
            // preemption: discard, so Master_Down_Timer expires and this router takes over
            masterAddress = src;
            masterPriority = adv.priority();
            pendingCause = TransitionCause.PREEMPT;
            pendingPeer = src;
        }
    }

    private void masterReceived(VrrpAdvertisement adv, InetAddress src) {
        if (handingOver) {
            if (adv.priority() > 0) {
                // Release on the new master's second advertisement, not its first: it sends the first before its
                // role switch (RFC 5798 order, so that the other backups stand down in time) and the second one
                // interval later, after its VIPs are on its interface and announced. Releasing on the first left a
                // window in which clients still sent to this node's MAC while it no longer held the VIP.
                if (src.equals(handoverFirstHeard)) {
                    releaseHandover(HandoverOutcome.NEW_MASTER_HEARD, src, adv);
                } else {
                    handoverFirstHeard = src;
                }
            }
            return;
        }
        if (adv.priority() == 0) {
            // another master resigned: assert ourselves at once so its backups do not wait
            sendAdvertisement(priority);
            scheduleAdverTimer();
            return;
        }
        boolean higherPriority = adv.priority() > priority;
        boolean higherAddress = adv.priority() == priority && VrrpCodec.compareAddresses(src, primary) > 0;
        if (higherPriority || higherAddress) {
            // A split brain ends (a partition healed): tell the winner once that we were master too. It then
            // hears a lower-priority advertisement whichever side's advertisement crossed first, answers it
            // and re-announces the VIPs (masterReasserted), repairing ARP caches that learned our MAC.
            sendAdvertisement(priority);
            if (settings.version() == VrrpVersion.V3) {
                masterAdverIntervalCentis = adv.intervalCentis();
            }
            masterAddress = src;
            masterPriority = adv.priority();
            enterBackup(higherPriority ? TransitionCause.HIGHER_PRIORITY_SEEN : TransitionCause.EQUAL_PRIORITY_HIGHER_ADDRESS, src);
        } else {
            // RFC 9568 6.4.3: answer a lower-priority advertisement at once so that router backs off now
            sendAdvertisement(priority);
            scheduleAdverTimer();
            reassert(src, adv.priority());
        }
    }

    /**
     * Tells the listener that another master was answered, at most once per advertisement interval: a
     * heal of a three-way partition brings several lower masters within one interval, and a rogue sender
     * repeating lower-priority advertisements must not turn into a gratuitous ARP storm.
     */
    private void reassert(InetAddress otherMaster, int otherPriority) {
        long now = loop.nanoTime();
        if (reasserted && now - lastReassertedAt < settings.advertIntervalCentis() * CENTI) {
            return;
        }
        reasserted = true;
        lastReassertedAt = now;
        reassertions++;
        notifyListener(() -> listener.masterReasserted(settings.vrid(), otherMaster, otherPriority, now));
    }

    private void onMasterDownTimer() {
        masterDownTimer = null;
        if (state != VrrpState.BACKUP || withdrawn || stopped) {
            return;
        }
        // a master that fell silent is named as the peer: the composition may stop sending it new connections
        // before its own health checks notice (it is cut off or dead, or its advertisements would have come)
        becomeMaster(pendingCause, pendingCause == TransitionCause.MASTER_DOWN_TIMEOUT ? masterAddress : pendingPeer);
    }

    private void becomeMaster(TransitionCause cause, InetAddress peer) {
        cancel(masterDownTimer);
        masterDownTimer = null;
        // RFC 5798 6.4.2: send an advertisement, then transition. The order matters: the listener's work on the
        // transition (moving the VIPs, programming IPVS) can take hundreds of ms on a loaded host, and the other
        // backups must hear the new master before their own (longer) Skew_Time after a priority 0 runs out, or they
        // become master too. The lab saw exactly that: n2 and n3 both master for 1.2 s after a resignation.
        sendAdvertisement(priority);
        transition(VrrpState.MASTER, cause, peer);
        // the composition announces the VIPs on becoming master: a lower master heard within the first interval
        // (the old master stepping down after a preemption) needs no second announcement
        reasserted = true;
        lastReassertedAt = loop.nanoTime();
        masterAddress = primary;
        masterPriority = priority;
        masterAdverIntervalCentis = settings.advertIntervalCentis();
        scheduleAdverTimer();
        publish();
    }

    private void enterBackup(TransitionCause cause, InetAddress peer) {
        cancel(adverTimer);
        adverTimer = null;
        transition(VrrpState.BACKUP, cause, peer);
        pendingCause = TransitionCause.MASTER_DOWN_TIMEOUT;
        pendingPeer = null;
        armMasterDown(masterDownIntervalNanos());
        publish();
    }

    private void startHandover() {
        handingOver = true;
        handoverFirstHeard = null;
        notifyListener(() -> listener.handoverStarted(settings.vrid(), loop.nanoTime()));
        sendAdvertisement(0);
        scheduleAdverTimer();
        publish();
        long limit = 3 * settings.advertIntervalCentis() * CENTI + skewNanos(settings.advertIntervalCentis(), settings.priority());
        handoverTimer = loop.schedule(() -> {
            handoverTimer = null;
            if (handingOver) {
                releaseHandover(HandoverOutcome.MASTER_DOWN_INTERVAL_ELAPSED, null, null);
            }
        }, limit);
    }

    private void releaseHandover(HandoverOutcome outcome, InetAddress newMaster, VrrpAdvertisement adv) {
        handingOver = false;
        handoverFirstHeard = null;
        cancel(handoverTimer);
        handoverTimer = null;
        cancel(adverTimer);
        adverTimer = null;
        notifyListener(() -> listener.handoverReleased(settings.vrid(), outcome, newMaster, loop.nanoTime()));
        if (stopAfterHandover) {
            doStop(false); // priority 0 already went out and the new master is heard
            return;
        }
        if (adv != null) {
            if (settings.version() == VrrpVersion.V3) {
                masterAdverIntervalCentis = adv.intervalCentis();
            }
            masterAddress = newMaster;
            masterPriority = adv.priority();
        } else {
            masterAddress = null;
            masterPriority = -1;
        }
        enterBackup(TransitionCause.RESIGN, newMaster);
    }

    private void scheduleAdverTimer() {
        cancel(adverTimer);
        adverTimer = loop.schedule(this::onAdverTimer, settings.advertIntervalCentis() * CENTI);
    }

    private void onAdverTimer() {
        adverTimer = null;
        if (state != VrrpState.MASTER || stopped) {
            return;
        }
        sendAdvertisement(handingOver ? 0 : priority);
        scheduleAdverTimer();
        publish();
    }

    private void sendAdvertisement(int advertPriority) {
        VrrpAdvertisement adv = new VrrpAdvertisement(settings.version(), settings.family(), settings.vrid(),
                advertPriority, settings.advertIntervalCentis(), AuthType.NONE, settings.vips());
        boolean any = false;
        for (InetAddress dst : destinations) {
            byte[] msg = VrrpCodec.encode(adv, primary, dst, settings.checksumMode());
            try {
                transport.send(msg, dst);
                advertisementsSent++;
                any = true;
            } catch (RuntimeException e) {
                sendErrors++;
                notifyListener(() -> listener.transportError(settings.vrid(), e));
            }
        }
        if (any) {
            long now = loop.nanoTime();
            notifyListener(() -> listener.advertisementSent(adv, now));
        }
    }

    private void armMasterDown(long delay) {
        cancel(masterDownTimer);
        masterDownTimer = null;
        if (withdrawn || stopped) {
            return;
        }
        masterDownTimer = loop.schedule(this::onMasterDownTimer, delay);
    }

    private void transition(VrrpState to, TransitionCause cause, InetAddress peer) {
        VrrpState from = state;
        state = to;
        transitions++;
        lastCause = cause;
        publish();
        StateChange change = new StateChange(settings.vrid(), from, to, cause, peer, loop.nanoTime());
        notifyListener(() -> listener.stateChanged(change));
    }

    private void cancelTimers() {
        cancel(adverTimer);
        cancel(masterDownTimer);
        cancel(handoverTimer);
        adverTimer = masterDownTimer = handoverTimer = null;
        handingOver = false;
    }

    private static void cancel(ControlLoop.Timer t) {
        if (t != null) {
            t.cancel();
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // a failing listener must not corrupt protocol state; it is the listener's bug to log
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
    }

    // ------------------------------------------------------------------ timing (RFC 5798 6.1 / RFC 3768 6.1)

    /** Skew_Time in nanoseconds for the current priority and Master_Adver_Interval. */
    long skewNanos() {
        if (settings.version() == VrrpVersion.V2) {
            return (256 - priority) * SECOND / 256;
        }
        return skewNanos(masterAdverIntervalCentis, priority);
    }

    private static long skewNanos(int intervalCentis, int prio) {
        return ((256L - prio) * intervalCentis * CENTI) / 256;
    }

    /** Master_Down_Interval in nanoseconds: v3 from the learned interval, v2 from the local one. */
    long masterDownIntervalNanos() {
        int interval = settings.version() == VrrpVersion.V2 ? settings.advertIntervalCentis() : masterAdverIntervalCentis;
        return 3 * interval * CENTI + skewNanos();
    }

    private void publish() {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            d.put(r, drops[r.ordinal()]);
        }
        status = new VrrpStatus(settings.vrid(), state, handingOver, priority, masterAddress, masterPriority,
                masterAdverIntervalCentis, masterDownIntervalNanos(), lastCause, advertisementsReceived,
                advertisementsSent, sendErrors, d, transitions, reassertions);
    }
}
