package io.selfbalance.jetty.cluster;

import io.netty.channel.EventLoop;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.IpAddresses;
import io.selfbalance.config.IpPrefix;
import io.selfbalance.config.ResignOn;
import io.selfbalance.config.V3Checksum;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.checks.DrainState;
import io.selfbalance.health.policy.HealthObservation;
import io.selfbalance.health.policy.PriorityPolicy;
import io.selfbalance.health.policy.Ticker;
import io.selfbalance.health.policy.WeightPolicy;
import io.selfbalance.health.probe.PeerMonitor;
import io.selfbalance.health.probe.PeerProber;
import io.selfbalance.health.probe.PeerTarget;
import io.selfbalance.health.probe.ProbeOutcome;
import io.selfbalance.health.probe.ProbeSettings;
import io.selfbalance.ipvs.Addresses;
import io.selfbalance.ipvs.IpvsClient;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsTable;
import io.selfbalance.vrrp.ChecksumMode;
import io.selfbalance.vrrp.VrrpRouter;
import io.selfbalance.vrrp.VrrpRouterSettings;
import io.selfbalance.vrrp.VrrpStatus;
import io.selfbalance.vrrp.VrrpTransport;
import io.selfbalance.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster layer of one node: VRRP routers with their {@link RoleSwitch}es, the data plane, peer probes feeding
 * {@link NodeWeights}, local health feeding a {@link PriorityPolicy} per router, and the published
 * {@link StatusSnapshot}. Knows nothing of Jetty: the Jetty bean hands it the configuration, the control-plane
 * event loop, local health and (on stop) a count of client connections.
 *
 * <p>Threads: every field below marked "loop" is owned by the control-plane event loop; the public methods hand
 * their work to it and return futures. Netlink calls are short and run on the loop. No locks.
 */
public final class ClusterController {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterController.class);
    private static final int MAX_TRANSITIONS = 32;
    /** Re-read the kernel's IPVS table every this many ticks (someone may have changed it behind our back). */
    private static final int RESYNC_TICKS = 10;

    /** Local health: evaluate one kind without blocking (completes on any thread). */
    public interface LocalHealth {
        CompletableFuture<HealthReport> evaluate(HealthKind kind);
    }

    /** Opens the data plane (production: {@link KernelDataPlane}); called on the loop. */
    public interface DataPlaneFactory {
        DataPlane open(EffectiveConfig config, Set<IpvsService.Key> owned, EventLoop loop, java.util.function.Consumer<RuntimeException> errors);
    }

    /** Makes a VRRP transport (production: raw sockets). */
    public interface TransportFactory {
        VrrpTransport create(VrrpRouterSettings settings);
    }

    public static final DataPlaneFactory KERNEL = (config, owned, loop, errors) ->
            new KernelDataPlane(config.networkInterface(), owned, loop, errors);
    public static final TransportFactory RAW_SOCKETS = io.selfbalance.vrrp.LinuxRawTransport::forSettings;

    private final EffectiveConfig config;
    private final EventLoop loop;
    private final DataPlaneFactory dataPlaneFactory;
    private final TransportFactory transportFactory;
    private final LocalHealth localHealth;
    private final DrainState drain;
    private final AtomicReference<StatusSnapshot> status = new AtomicReference<>();
    private volatile ClusterObserver observer = ClusterObserver.NONE;
    /** The kernel's refusal of the data plane (operation and errno), or null; written once on the loop. */
    private volatile String dataPlaneFailure;
    /**
     * The IPVS table could not be brought to what it should be (the last reconciliation failed), or null; written on
     * the loop, cleared by the next reconciliation that succeeds (one is tried every tick). While set, readiness is
     * DOWN: peers give this node weight 0 and, with {@code resign-on} readiness, a master that cannot program IPVS
     * resigns to a backup that can, instead of holding the VIP with a stale or missing table.
     */
    private volatile String ipvsFailure;

    // ---- loop ----
    private StatusSnapshot.State state = StatusSnapshot.State.NEW;
    private String stateReason;
    private DataPlane dataPlane;
    private final Map<String, RoleSwitch> switches = new LinkedHashMap<>();
    private final Map<String, VrrpRouter> routers = new LinkedHashMap<>();
    private final Map<String, PriorityPolicy> priorities = new LinkedHashMap<>();
    private final NodeWeights weights;
    private PeerProber prober;
    private PeerMonitor monitor;
    private ScheduledFuture<?> ticker;
    private int ticks;
    private boolean localEvaluationRunning;
    /** When the probes of the peers started; until every peer's weight is settled (or this bound passed) no election. */
    private long peersProbedSinceNanos;
    private boolean waitingForPeersLogged;
    /** Whether this node takes part in the election: every peer's weight settled once, or the wait bound passed. */
    private boolean electionGateOpen;
    /** Drained, handed over and out of IPVS: no service of ours may come back (see {@link #retire()}). */
    private boolean retired;
    /**
     * With connection sync: the routers this node was master of when its drain ended (its connectors shut). After
     * the handover they keep a master's table (this node at weight 0, the others by their weights) until
     * {@link #stop()}, instead of the standby table: a new connection that still reaches this node through a
     * client's stale ARP entry (before the new master's gratuitous ARP) goes to a serving node, where the standby
     * table would give it to the shut connectors (refused). Only the releasing master gets this: it is the only node
     * clients send to directly; a backup's packets come from the master, and a second hop could send them back.
     */
    private final Set<String> released = new HashSet<>();
    private HealthObservation lastLocalReadiness;
    private long lastLocalReadinessNanos;
    private final ArrayDeque<StatusSnapshot.Transition> transitions = new ArrayDeque<>();
    private final Map<String, DataPlane.VipPlacement> placements = new LinkedHashMap<>();
    private List<StatusSnapshot.Service> kernelTable = List.of();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private String lastError;

    public ClusterController(EffectiveConfig config, EventLoop loop, DataPlaneFactory dataPlaneFactory,
                             TransportFactory transportFactory, LocalHealth localHealth, DrainState drain) {
        this.config = config;
        this.loop = loop;
        this.dataPlaneFactory = dataPlaneFactory;
        this.transportFactory = transportFactory;
        this.localHealth = localHealth;
        this.drain = drain;
        this.weights = new NodeWeights(config, Ticker.SYSTEM);
        for (String c : List.of("roleSwitches", "vipRefreshes", "ipvsOperations", "ipvsReconciliations", "dataPlaneErrors",
                "probeResults", "localEvaluations", "priorityChanges", "garpReannouncements", "pausesExcused")) {
            counters.put(c, 0L);
        }
        publishNow();
    }

    /** Where events go (metrics, log lines, notify hooks); set before {@link #start()}. */
    public void observe(ClusterObserver observer) {
        this.observer = observer == null ? ClusterObserver.NONE : observer;
    }

    /** The latest snapshot; any thread. */
    public StatusSnapshot status() {
        return status.get();
    }

    // ------------------------------------------------------------------ start

    /**
     * Starts on the loop: data plane (IPVS first), DR sysctls, stale state removed (our VIPs off the interface, our
     * IPVS services), VIPs on {@code lo}, VRRP routers, probes, local health. Completes when done; a node that
     * cannot take part (no IPVS, loopback interface) completes normally in state INACTIVE with the reason logged.
     */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                doStart();
                publish(); // before completing: the caller reads the state it started in
                done.complete(null);
            } catch (RuntimeException e) {
                publish();
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void doStart() {
        if (state != StatusSnapshot.State.NEW) {
            throw new IllegalStateException("the cluster layer was already started (state " + state + ")");
        }
        String refusal = refusal(config.networkInterface());
        if (refusal != null) {
            inactive(refusal, null);
            return;
        }
        try {
            dataPlane = dataPlaneFactory.open(config, NodeWeights.ownedServices(config), loop,
                    e -> error("announcement", e));
        } catch (RuntimeException e) {
            // No VRRP either: a master without IPVS or without the right to hold the VIP would attract the VIP's
            // traffic and drop it. The node keeps serving HTTP; readiness says why; nothing is retried in a loop.
            String failure = kernelFailure(e);
            dataPlaneFailure = failure;
            count("dataPlaneErrors", 1);
            lastError = "opening the kernel data plane: " + failure;
            inactive("the kernel data plane cannot be opened: " + failure + "; this node takes no part in VRRP (never"
                    + " master) and keeps serving HTTP; readiness check " + DataPlaneCheck.NAME + " is DOWN",
                    isKernelError(e) ? null : e);
            return;
        }
        try {
            dataPlane.applyDrSysctls();
        } catch (RuntimeException e) {
            error("DR sysctls (arp_ignore=3, arp_announce=2, vs.conn_reuse_mode=3, vs.expire_nodest_conn=1)", e);
        }
        // stale state of an earlier run: our IPVS services (owned keys only), our VIPs on the interface, and a sync
        // daemon of ours from a run with connection-sync (it would keep sending or taking in connection entries)
        reconcile(List.of());
        if (!config.connectionSync()) {
            for (EffectiveConfig.Router r : config.routers()) {
                try {
                    dataPlane.connectionSync(DataPlane.SyncRole.NONE, r.vrid());
                } catch (RuntimeException e) {
                    error("stopping a stale IPVS connection sync daemon (sync id " + r.vrid() + ")", e);
                }
            }
        }
        applyControlNice("control loop"); // this thread: it sends the advertisements and runs the timers
        for (EffectiveConfig.Router r : config.routers()) {
            RoleSwitch rs = new RoleSwitch(r, dataPlane, config.vipLifetime(), switchOwner, config.connectionSync());
            rs.takeBackupPosition();
            switches.put(r.name(), rs);
        }
        for (EffectiveConfig.Router r : config.routers()) {
            VrrpRouterSettings s = routerSettings(r);
            io.selfbalance.vrrp.VrrpTransport transport = transportFactory.create(s);
            if (transport instanceof io.selfbalance.vrrp.LinuxRawTransport raw) {
                raw.onReaderThread(() -> applyControlNice("VRRP receiver of router " + r.name()));
            }
            VrrpRouter router = VrrpRouter.create(s, transport, loop, new TransitionRecorder(switches.get(r.name())));
            PriorityPolicy.Settings ps = priorityPolicySettings(r);
            if (ps != null) {
                priorities.put(r.name(), new PriorityPolicy(ps, Ticker.SYSTEM));
                router.setPriority(0); // out of mastership until local health rises
            }
            routers.put(r.name(), router);
            observer.routerCreated(r.name(), router);
            router.start().whenComplete((v, e) -> {
                if (e != null) {
                    error("VRRP router " + r.name() + " (vrid " + r.vrid() + ") did not start", e instanceof RuntimeException re ? re : new RuntimeException(e));
                }
            });
        }
        EffectiveConfig.Health h = config.health();
        ProbeSettings probeSettings = new ProbeSettings(h.probeTimeout(), h.probeTimeout(), 64 * 1024, h.probeInterval(), h.rise(), h.fall());
        // on the control plane's own thread when its loop does I/O (SelfbalanceLifeCycle's does): probes are
        // non-blocking (IP literals only, nothing to resolve), and one thread fewer
        prober = PeerProber.sharing(loop, probeSettings);
        peersProbedSinceNanos = System.nanoTime();
        monitor = new PeerMonitor(prober, loop, this::onPeer);
        List<PeerTarget> targets = new ArrayList<>();
        for (EffectiveConfig.Node n : config.nodes()) {
            targets.add(PeerTarget.of(n.name(), n.healthUrl().toString()));
        }
        monitor.setPeers(targets);
        // every node probes every node, the backups too: a new master starts with weights that are already known
        monitor.start();
        long every = h.localInterval().toNanos();
        ticker = loop.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.NANOSECONDS);
        state = StatusSnapshot.State.ACTIVE;
        stateReason = null;
        LOG.info("Selfbalance cluster layer started on {} as {} ({} routers, {} nodes)", config.networkInterface(),
                config.self().name(), routers.size(), config.nodes().size());
    }

    /** The failed operation and errno of a kernel refusal, in one line (the cause's too when it adds them). */
    static String kernelFailure(RuntimeException e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !c.getMessage().equals(m) && isKernelError(c)) {
            m += " (" + c.getMessage() + ")";
        }
        return m;
    }

    private static boolean isKernelError(Throwable e) {
        return e instanceof io.selfbalance.ipvs.netlink.NetlinkException || e instanceof io.selfbalance.ipvs.netlink.NativeCallException
                || e instanceof io.selfbalance.ipvs.IpvsUnavailableException;
    }

    /**
     * The {@value DataPlaneCheck#NAME} readiness check of this node: DOWN while the kernel refused the data plane.
     * The owner registers it with local health.
     */
    public DataPlaneCheck dataPlaneCheck() {
        return new DataPlaneCheck(this::status, () -> dataPlaneFailure != null ? dataPlaneFailure : ipvsFailure);
    }

    /** Whether this node has (or tried to open) a kernel data plane: not when inactive by configuration. */
    public boolean dataPlaneInUse() {
        StatusSnapshot s = status();
        return dataPlaneFailure != null || (s.state() != StatusSnapshot.State.NEW && s.state() != StatusSnapshot.State.INACTIVE);
    }

    /** Why this node must not touch the network, or null. */
    static String refusal(String interfaceName) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            if (nic != null && nic.isLoopback()) {
                return "selfbalance.interface=" + interfaceName + " is a loopback interface: VRRP and IPVS direct routing need"
                        + " the interface of the segment the nodes share; the cluster layer stays inactive";
            }
        } catch (SocketException e) {
            return "cannot read interface " + interfaceName + ": " + e.getMessage();
        }
        return null;
    }

    private void inactive(String reason, RuntimeException cause) {
        state = StatusSnapshot.State.INACTIVE;
        stateReason = reason;
        if (cause == null) {
            LOG.error("Selfbalance cluster layer inactive: {}", reason);
        } else {
            LOG.error("Selfbalance cluster layer inactive: {}", reason, cause);
        }
    }

    VrrpRouterSettings routerSettings(EffectiveConfig.Router r) {
        List<InetAddress> vips = r.vips().stream().map(IpPrefix::address).toList();
        boolean v4 = vips.get(0) instanceof Inet4Address;
        // IPv4: our node address is the VRRP source; IPv6: the transport uses the link-local address (RFC 5798)
        InetAddress primary = v4 && config.address() instanceof Inet4Address ? config.address() : null;
        return new VrrpRouterSettings(config.networkInterface(), r.vrid(), r.version() == 2 ? VrrpVersion.V2 : VrrpVersion.V3,
                r.priority(), r.advertInterval(), r.preempt(), r.preemptDelay(), vips, r.unicastPeers(),
                r.v3Checksum() == V3Checksum.RFC9568 ? ChecksumMode.MESSAGE_ONLY : ChecksumMode.WITH_PSEUDO_HEADER, primary);
    }

    private PriorityPolicy.Settings priorityPolicySettings(EffectiveConfig.Router r) {
        EffectiveConfig.Health h = config.health();
        if (h.resignOn() == ResignOn.NEVER) {
            return null;
        }
        HealthKind source = h.resignOn() == ResignOn.LIVENESS ? HealthKind.LIVENESS : HealthKind.READINESS;
        // after resigning, stay out at least a few advertisement periods, at most 5 minutes when flapping
        Duration minHold = max(Duration.ofSeconds(5), r.advertInterval().multipliedBy(3));
        return new PriorityPolicy.Settings(r.priority(), source, h.rise(), h.fall(), minHold, max(minHold, Duration.ofMinutes(5)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    // ------------------------------------------------------------------ events on the loop

    /** Records transitions for status, then lets the role switch act. */
    private final class TransitionRecorder implements io.selfbalance.vrrp.VrrpListener {
        private final RoleSwitch target;

        TransitionRecorder(RoleSwitch target) {
            this.target = target;
        }

        @Override
        public void stateChanged(io.selfbalance.vrrp.StateChange change) {
            LOG.info("Selfbalance router {} (vrid {}): {} -> {} ({}{})", target.name(), change.vrid(), change.from(), change.to(),
                    change.cause(), change.peer() == null ? "" : ", peer " + Addresses.format(change.peer()));
            Instant at = Instant.now();
            transitions.addLast(new StatusSnapshot.Transition(target.name(), change.vrid(), change.from().name(),
                    change.to().name(), change.cause().name(), change.peer() == null ? null : Addresses.format(change.peer()),
                    at));
            while (transitions.size() > MAX_TRANSITIONS) {
                transitions.removeFirst();
            }
            if (change.to() == io.selfbalance.vrrp.VrrpState.MASTER
                    && change.cause() == io.selfbalance.vrrp.TransitionCause.MASTER_DOWN_TIMEOUT && change.peer() != null) {
                // the old master fell silent: cut off or dead. Its probes would need `fall` intervals to say so, and
                // meanwhile this node's first IPVS table would send it new connections that go nowhere.
                String silent = weights.suspect(change.peer(), "was master of " + target.name()
                        + " and its advertisements stopped");
                if (silent != null) {
                    LOG.info("Selfbalance node {}: weight 0 until it answers a probe (it was master of {} and fell silent)",
                            silent, target.name());
                }
            }
            long before = target.roleSwitches();
            long switchStart = System.nanoTime();
            target.stateChanged(change);
            Duration switchTook = Duration.ofNanos(System.nanoTime() - switchStart);
            count("roleSwitches", target.roleSwitches() - before);
            readPlacements();
            publish();
            observer.transition(target.name(), change, at, switchTook);
        }

        @Override
        public void advertisementSent(io.selfbalance.vrrp.VrrpAdvertisement a, long atNanos) {
            long before = target.vipRefreshes();
            target.advertisementSent(a, atNanos);
            count("vipRefreshes", target.vipRefreshes() - before); // not the advertisement sent before becoming master
        }

        @Override
        public void masterReasserted(int vrid, InetAddress otherMaster, int otherPriority, long atNanos) {
            long before = target.reannounced();
            target.masterReasserted(vrid, otherMaster, otherPriority, atNanos);
            if (target.reannounced() > before) {
                count("garpReannouncements", target.reannounced() - before);
                LOG.info("Selfbalance router {} (vrid {}): answered lower master {} (priority {}); VIPs announced again",
                        target.name(), vrid, Addresses.format(otherMaster), otherPriority);
            }
        }

        @Override
        public void handoverStarted(int vrid, long atNanos) {
            LOG.info("Selfbalance router {} (vrid {}): handover started, still forwarding until the new master is heard", target.name(), vrid);
            target.handoverStarted(vrid, atNanos);
        }

        @Override
        public void handoverReleased(int vrid, io.selfbalance.vrrp.HandoverOutcome outcome, InetAddress newMaster, long atNanos) {
            LOG.info("Selfbalance router {} (vrid {}): handover released ({}{})", target.name(), vrid, outcome,
                    newMaster == null ? "" : ", new master " + Addresses.format(newMaster));
            target.handoverReleased(vrid, outcome, newMaster, atNanos);
        }

        @Override
        public void transportError(int vrid, Exception error) {
            target.transportError(vrid, error);
        }
    }

    private final RoleSwitch.Owner switchOwner = new RoleSwitch.Owner() {
        @Override
        public void mastershipChanged(RoleSwitch router) {
            // the new master's own weight from local readiness first, so the first IPVS table already carries it
            if (!(router.isMaster() && seedOwnWeight())) {
                reconcileMasters();
            }
            if (router.isMaster() && !weights.observed(config.self().name())) {
                evaluateLocalHealth(); // no recent local result: its completion seeds
            }
        }

        @Override
        public void dataPlaneError(String what, RuntimeException error) {
            error(what, error);
        }

        @Override
        public void changed() {
            publish();
        }
    };

    private void onPeer(PeerMonitor.PeerState peer) {
        count("probeResults", 1);
        observer.probe(peer);
        if (state != StatusSnapshot.State.ACTIVE && state != StatusSnapshot.State.DRAINING) {
            return;
        }
        if (weights.observe(peer.peer().id(), HealthObservation.of(peer.last()))) {
            LOG.info("Selfbalance node {}: weight {} ({})", peer.peer().id(), weights.weight(peer.peer().id()),
                    weights.decisions().get(peer.peer().id()).reason());
            reconcileMasters();
        }
        publish();
    }

    private void tick() {
        ticks++;
        weights.heartbeat();
        if (weights.pausesExcused() != counters.get("pausesExcused")) {
            LOG.info("Selfbalance control plane stood still (GC pause or starved CPU); node health silence of that time is not held against the nodes");
            counters.put("pausesExcused", weights.pausesExcused());
        }
        if (state != StatusSnapshot.State.ACTIVE && state != StatusSnapshot.State.DRAINING) {
            return;
        }
        if (ticks % RESYNC_TICKS == 0) {
            dataPlane.resync();
        }
        reconcileMasters(); // stale weights (no probe results) also show up here
        evaluateLocalHealth();
        readPlacements();
        readKernelTable();
        publish();
    }

    /**
     * Evaluates local health: readiness always (it seeds this node's own weight when it becomes master, see
     * {@link #seedOwnWeight()}), liveness too when {@code resign-on} needs it; then the priority policies.
     */
    private void evaluateLocalHealth() {
        if (localEvaluationRunning) {
            return;
        }
        localEvaluationRunning = true;
        ResignOn resignOn = config.health().resignOn();
        CompletableFuture<HealthReport> ready = localHealth.evaluate(HealthKind.READINESS);
        CompletableFuture<HealthReport> live = resignOn == ResignOn.LIVENESS || resignOn == ResignOn.ANY
                ? localHealth.evaluate(HealthKind.LIVENESS) : CompletableFuture.completedFuture(null);
        ready.thenCombine(live, (r, l) -> new HealthReport[] {r, l}).whenCompleteAsync((reports, failure) -> {
            localEvaluationRunning = false;
            count("localEvaluations", 1);
            HealthReport readiness = failure == null ? reports[0] : null;
            lastLocalReadiness = readiness == null
                    ? HealthObservation.error("local evaluation failed: " + failure)
                    : HealthObservation.of(readiness);
            lastLocalReadinessNanos = System.nanoTime();
            if (state != StatusSnapshot.State.ACTIVE) {
                return; // draining: the stop sequence decides about mastership and the own weight
            }
            seedOwnWeight();
            if (priorities.isEmpty()) {
                return;
            }
            HealthReport source = failure != null ? null
                    : resignOn == ResignOn.READINESS ? reports[0]
                    : resignOn == ResignOn.LIVENESS ? reports[1]
                    : reports[0].isUp() ? reports[1] : reports[0];
            boolean up = source != null && source.isUp();
            List<String> pending = electionGateOpen ? List.of() : weights.peersNotSettled();
            if (pending.isEmpty() || System.nanoTime() - peersProbedSinceNanos >= peerResultWaitNanos()) {
                electionGateOpen = true; // once: the gate is about start-up only (a peer restarting later does not hold it)
            } else {
                // Not in the election before every peer's weight is settled: a node that became master now (a
                // restarted node preempting a working master) would program such peers at weight 0 and refuse new
                // connections until its probes caught up (the lab saw 1.1 s of that after a preemption).
                if (!waitingForPeersLogged) {
                    waitingForPeersLogged = true;
                    LOG.info("Selfbalance: waiting until the health of {} is known before taking part in the election", pending);
                }
                return;
            }
            for (Map.Entry<String, PriorityPolicy> e : priorities.entrySet()) {
                PriorityPolicy.Decision d = e.getValue().onLocalHealth(up ? org.eclipse.microprofile.health.HealthCheckResponse.Status.UP
                        : org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN);
                if (d.changed()) {
                    count("priorityChanges", 1);
                    LOG.info("Selfbalance router {}: priority {} ({})", e.getKey(), d.priority(), d.reason());
                    routers.get(e.getKey()).setPriority(d.priority());
                }
            }
        }, loop);
    }

    /**
     * Every probe ends within its timeout: a first result, then up to {@code fall} failures (this JVM's own cold
     * start can time probes out) and {@code rise} successes settle any peer; one period more for margin. A peer that
     * keeps flapping delays the election by this much at most.
     */
    private long peerResultWaitNanos() {
        EffectiveConfig.Health h = config.health();
        return h.probeInterval().multipliedBy(h.rise() + h.fall() + 2L).plus(h.probeTimeout()).toNanos();
    }

    /**
     * A master gives itself its weight from its own readiness at once instead of weight 0 until its first probe of
     * itself comes back (up to a probe interval plus timeout, more when starting): the local evaluation is the same
     * readiness the probe fetches over HTTP. Only while no probe result has decided this node's health (state
     * UNKNOWN), only from a recent UP evaluation; from then on probes decide as for every node (rise/fall,
     * staleness, weight requests), so the seed is the first result of the same sequence. Returns whether the
     * weight changed (the caller reconciles).
     */
    private boolean seedOwnWeight() {
        if (state != StatusSnapshot.State.ACTIVE || switches.values().stream().noneMatch(RoleSwitch::isMaster)) {
            return false;
        }
        HealthObservation local = lastLocalReadiness;
        long freshNanos = Math.max(config.health().localInterval().toNanos() * 2, TimeUnit.SECONDS.toNanos(1));
        if (local == null || local.outcome() != ProbeOutcome.UP || System.nanoTime() - lastLocalReadinessNanos > freshNanos) {
            return false;
        }
        String self = config.self().name();
        if (!weights.seed(self, new HealthObservation(ProbeOutcome.UP, local.requestedWeight(),
                "local readiness (" + local.reason() + "), before the first probe of itself"))) {
            return false;
        }
        LOG.info("Selfbalance node {} (self, master): weight {} from local readiness until its probes of itself decide",
                self, weights.weight(self));
        reconcileMasters();
        publish();
        return true;
    }

    /**
     * The IPVS services of the routers this node is master of; with connection synchronisation also a standby table
     * for the routers it is backup of ({@link NodeWeights#desiredTable(List, List)}: only this node weighted), until
     * the node retires.
     */
    private void reconcileMasters() {
        List<EffectiveConfig.Router> masterOf = switches.values().stream()
                .filter(rs -> rs.isMaster() || released.contains(rs.config().name())).map(RoleSwitch::config).toList();
        List<EffectiveConfig.Router> standbyOf = config.connectionSync() && !retired
                ? switches.values().stream().filter(rs -> !rs.isMaster() && !released.contains(rs.config().name()))
                        .map(RoleSwitch::config).toList() : List.of();
        reconcile(masterOf, standbyOf);
    }

    /** The routers in {@link #released}: after retiring, their table stays until the stop. */
    private List<EffectiveConfig.Router> releasedRouters() {
        return switches.values().stream().filter(rs -> released.contains(rs.config().name())).map(RoleSwitch::config).toList();
    }

    private void reconcile(List<EffectiveConfig.Router> masterOf) {
        reconcile(masterOf, List.of());
    }

    private void reconcile(List<EffectiveConfig.Router> masterOf, List<EffectiveConfig.Router> standbyOf) {
        if (dataPlane == null) {
            return;
        }
        try {
            IpvsReconciler.Report report = dataPlane.reconcile(weights.desiredTable(masterOf, standbyOf));
            if (!report.changedNothing()) {
                count("ipvsReconciliations", 1);
                count("ipvsOperations", report.results().size());
                LOG.info("Selfbalance IPVS: {}", report.operations());
                readKernelTable();
            }
            if (report.failed()) {
                List<IpvsClient.Result> failed = report.results().stream().filter(IpvsClient.Result::failed).toList();
                ipvsFailed("IPVS " + failed.get(0).operation() + ": " + failed.get(0).error().getMessage(), failed.size());
            } else {
                ipvsRecovered();
            }
        } catch (RuntimeException e) {
            ipvsFailed("IPVS reconciliation: " + e.getMessage(), 1);
        }
    }

    /**
     * Gives the calling thread {@code selfbalance.control-nice} (0: left as it is). Without the right to (no
     * {@code CAP_SYS_NICE}) a warning: the node works, but under load its advertisements may be late.
     */
    private void applyControlNice(String thread) {
        int nice = config.controlNice();
        if (nice == 0) {
            return;
        }
        try {
            io.selfbalance.vrrp.linux.ThreadNice.setForCurrentThread(nice);
            LOG.info("Selfbalance: the {} thread ({}) runs at nice {}", thread, Thread.currentThread().getName(), nice);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Selfbalance: the {} thread keeps its nice value, {} could not be set ({}); under load its "
                    + "advertisements may be late. Give the JVM CAP_SYS_NICE, or set selfbalance.control-nice=0 to "
                    + "silence this", thread, nice, e.getMessage());
        }
    }

    /** Counts every failure; logs only the first of a run of failures (it is retried every tick). */
    private void ipvsFailed(String what, int failures) {
        count("dataPlaneErrors", failures);
        lastError = what;
        if (ipvsFailure == null) {
            LOG.warn("Selfbalance: the IPVS table cannot be programmed ({}); readiness check {} is DOWN until a"
                    + " reconciliation succeeds (retried every {} ms)", what, DataPlaneCheck.NAME, config.health().localInterval().toMillis());
        }
        ipvsFailure = what;
    }

    private void ipvsRecovered() {
        if (ipvsFailure != null) {
            LOG.info("Selfbalance: the IPVS table is programmed again; readiness check {} is UP", DataPlaneCheck.NAME);
            ipvsFailure = null;
        }
    }

    private void readPlacements() {
        if (dataPlane == null) {
            return;
        }
        try {
            for (EffectiveConfig.Router r : config.routers()) {
                for (IpPrefix vip : r.vips()) {
                    placements.put(vip.toString(), dataPlane.placement(vip.address()));
                }
            }
        } catch (RuntimeException e) {
            error("reading VIP placement", e);
        }
    }

    private void readKernelTable() {
        if (dataPlane == null) {
            return;
        }
        try {
            List<StatusSnapshot.Service> out = new ArrayList<>();
            for (IpvsTable.Entry e : dataPlane.ownedTable().entries()) {
                List<StatusSnapshot.Destination> ds = new ArrayList<>();
                for (IpvsDestination d : e.destinations()) {
                    long active = d.counters() == null ? 0 : d.counters().activeConnections();
                    long inactive = d.counters() == null ? 0 : d.counters().inactiveConnections();
                    ds.add(new StatusSnapshot.Destination(d.key().toString(), d.weight(), active, inactive));
                }
                out.add(new StatusSnapshot.Service(e.service().key().toString(), e.service().scheduler(), ds));
            }
            kernelTable = out;
        } catch (RuntimeException e) {
            error("reading the IPVS table", e);
        }
    }

    private void error(String what, RuntimeException e) {
        count("dataPlaneErrors", 1);
        lastError = what + ": " + e.getMessage();
        LOG.warn("Selfbalance: {} failed: {}", what, e.toString());
    }

    private void count(String counter, long n) {
        counters.merge(counter, n, Long::sum);
    }

    // ------------------------------------------------------------------ stop

    /**
     * Graceful stop: readiness DOWN (the drain check asks for weight 0, so the master, maybe this node, stops sending
     * new connections here); wait until {@code clientConnections} reaches 0 or {@code drainTime} passes (at least one
     * probe period, so the master sees the drain); a master hands over make-before-break; then every VIP and IPVS
     * service of ours is removed and the sysctls restored. Completes when all is done; call from any thread but the
     * loop.
     */
    public CompletableFuture<Void> stopGracefully(Duration drainTime, IntSupplier clientConnections) {
        return drainAndHandOver(drainTime, clientConnections, () -> NO_CLIENT_CONNECTION, () -> { }).thenCompose(v -> cleanUp());
    }

    /** What {@code lastClientConnectionNanos} answers before any client connected. */
    public static final long NO_CLIENT_CONNECTION = Long.MIN_VALUE;

    /**
     * The first half of a graceful stop, for a server that still has to close its own connections: readiness DOWN
     * and weight 0. Once the master has applied that, {@code peersSawWeightZero} runs, so the server can make its
     * keep-alive clients reconnect elsewhere (Jetty: connectors shut down, refusing new connections; responses carry
     * {@code Connection: close}); then it waits for client connections to finish and a master hands over
     * make-before-break; all within {@code drainTime}. The VIPs stay on {@code lo} (host scope), with the DR sysctls:
     * a connection the master already forwarded here keeps working until the server closed it. {@link #stop()}
     * removes them, once the server's connectors are closed.
     *
     * <p>"The master has applied it" is observed, not assumed: at least one probe period (interval + time limit, when
     * the master's next probe has read the DOWN) has passed <em>and</em> no client opened a connection for one probe
     * interval ({@code lastClientConnectionNanos}: {@link System#nanoTime()} of the last one, or
     * {@link #NO_CLIENT_CONNECTION}). A probe period alone was a guess that a slow master (a clean-clone CI run in
     * user-mode-linux) could miss, and new connections then met closed connectors.
     */
    public CompletableFuture<Void> drainAndHandOver(Duration drainTime, IntSupplier clientConnections,
                                                    LongSupplier lastClientConnectionNanos, Runnable peersSawWeightZero) {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        loop.execute(() -> {
            if (state != StatusSnapshot.State.ACTIVE) {
                drained.complete(null);
                return;
            }
            state = StatusSnapshot.State.DRAINING;
            stateReason = "stopping: readiness DOWN, weight 0, waiting up to " + drainTime.toMillis() + " ms for connections";
            LOG.info("Selfbalance: {}", stateReason);
            drain.startDraining("the server is stopping");
            // this node's own weight goes to 0 at once, without waiting for its next probe result
            weights.observe(config.self().name(), new HealthObservation(ProbeOutcome.DOWN, OptionalLong.of(0), "draining"));
            reconcileMasters();
            publish();
            long start = System.nanoTime();
            long seen = Math.min(drainTime.toNanos(), config.health().probeInterval().plus(config.health().probeTimeout()).toNanos());
            Drain d = new Drain(drained, start, seen, config.health().probeInterval().toNanos(), drainTime.toNanos(),
                    clientConnections, lastClientConnectionNanos);
            pollDrained(d, peersSawWeightZero);
        });
        return drained.thenCompose(v -> stopRouters(true)).thenCompose(v -> retire());
    }

    /** One drain's fixed facts: its start, the probe period, the quiet period, the limit (nanos), and its probes. */
    private record Drain(CompletableFuture<Void> done, long start, long minimum, long quiet, long limit,
                         IntSupplier connections, LongSupplier lastClientConnection) {
        /** No client opened a connection for {@link #quiet} (the master no longer schedules any here). */
        boolean quietAt(long now) {
            long last;
            try {
                last = lastClientConnection.getAsLong();
            } catch (RuntimeException e) {
                return true;
            }
            return last == NO_CLIENT_CONNECTION || now - last >= quiet;
        }
    }

    private void pollDrained(Drain d, Runnable peersSawWeightZero) {
        long now = System.nanoTime();
        long elapsed = now - d.start();
        boolean quiet = d.quietAt(now);
        boolean atLimit = elapsed >= d.limit();
        Runnable once = peersSawWeightZero;
        if (once != null && ((elapsed >= d.minimum() && quiet) || atLimit)) {
            once = null;
            try {
                peersSawWeightZero.run();
            } catch (RuntimeException e) {
                LOG.warn("Selfbalance: closing keep-alive connections for the drain failed", e);
            }
        }
        int open;
        try {
            open = d.connections().getAsInt();
        } catch (RuntimeException e) {
            open = 0;
        }
        if (atLimit || (once == null && open == 0)) {
            LOG.info("Selfbalance: drained after {} ms ({} client connections open{})", elapsed / 1_000_000, open,
                    quiet ? "" : ", new ones still arriving");
            if (config.connectionSync()) {
                switches.values().stream().filter(RoleSwitch::isMaster).forEach(rs -> released.add(rs.config().name()));
            }
            d.done().complete(null);
            return;
        }
        Runnable next = once;
        loop.schedule(() -> pollDrained(d, next), 100, TimeUnit.MILLISECONDS);
    }

    private void stopTickAndProbes() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        if (monitor != null) {
            monitor.close();
        }
    }

    /**
     * After a drain and handover: probes and ticks stop, IPVS services go (but the tables of the {@link #released}
     * routers); VIPs stay on lo until {@link #stop()}.
     */
    private CompletableFuture<Void> retire() {
        return onLoopThenPublish("retiring after the drain", () -> {
            retired = true;
            stopTickAndProbes();
            if (dataPlane != null) {
                reconcile(releasedRouters());
                readPlacements();
                readKernelTable();
            }
            stateReason = "drained and handed over; the VIPs stay on lo until the server closed its connections";
        });
    }

    /** Runs {@code step} on the loop; a failure is reported as {@code what}; the status is published either way. */
    private CompletableFuture<Void> onLoopThenPublish(String what, Runnable step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                error(what, e);
            } finally {
                publish();
                done.complete(null);
            }
        });
        return done;
    }

    /** Stops at once (no drain): routers stop (a master sends priority 0), state removed. */
    public CompletableFuture<Void> stop() {
        return stopRouters(false).thenCompose(v -> cleanUp());
    }

    private CompletableFuture<Void> stopRouters(boolean graceful) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        loop.execute(() -> {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            long limitMillis = 2000;
            for (Map.Entry<String, VrrpRouter> e : routers.entrySet()) {
                VrrpRouter r = e.getValue();
                fs.add(graceful ? r.stopGracefully() : r.stop());
                long intervalMillis = r.settings().advertInterval().toMillis();
                limitMillis = Math.max(limitMillis, 4 * intervalMillis + 1000);
            }
            long limit = limitMillis;
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
                    .orTimeout(limit, TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((v, e) -> {
                        if (e != null) {
                            LOG.warn("Selfbalance: routers did not hand over within {} ms; stopping them now", limit);
                            routers.values().forEach(VrrpRouter::stop);
                        }
                        all.complete(null);
                    }, loop);
        });
        return all;
    }

    private CompletableFuture<Void> cleanUp() {
        return onLoopThenPublish("clean-up on stop", () -> {
            retired = true;
            stopTickAndProbes();
            if (dataPlane != null) {
                // a stop never leaves our IPVS services or a VIP behind: services first, then the addresses
                reconcile(List.of());
                switches.values().forEach(RoleSwitch::removeAll);
                try {
                    dataPlane.restoreSysctls();
                } catch (RuntimeException e) {
                    error("restoring the ARP sysctls", e);
                }
                readPlacements();
                readKernelTable();
                dataPlane.close();
                dataPlane = null;
            }
            if (prober != null) {
                prober.close();
                prober = null;
            }
            stateReason = state == StatusSnapshot.State.INACTIVE ? "was inactive: " + stateReason : null;
            state = StatusSnapshot.State.STOPPED;
            LOG.info("Selfbalance cluster layer stopped: no VIP and no IPVS service of ours left");
        });
    }

    // ------------------------------------------------------------------ status

    private void publish() {
        publishNow();
    }

    private void publishNow() {
        List<StatusSnapshot.Router> rs = new ArrayList<>();
        for (EffectiveConfig.Router r : config.routers()) {
            VrrpRouter router = routers.get(r.name());
            RoleSwitch sw = switches.get(r.name());
            VrrpStatus s = router == null ? null : router.status();
            PriorityPolicy p = priorities.get(r.name());
            List<StatusSnapshot.Vip> vips = new ArrayList<>();
            for (IpPrefix vip : r.vips()) {
                DataPlane.VipPlacement pl = placements.get(vip.toString());
                vips.add(new StatusSnapshot.Vip(vip.toString(), pl == null ? "unknown" : pl.where(), pl == null ? 0 : pl.validSeconds()));
            }
            rs.add(new StatusSnapshot.Router(r.name(), r.vrid(), s == null ? "INITIALIZE" : s.state().name(),
                    s != null && s.handingOver(), s == null ? 0 : s.priority(), r.priority(),
                    s == null || s.masterAddress() == null ? null : Addresses.format(s.masterAddress()),
                    s == null ? -1 : s.masterPriority(), s == null || s.lastCause() == null ? null : s.lastCause().name(),
                    p == null ? (config.health().resignOn() == ResignOn.NEVER ? "resign-on never: configured priority" : null) : p.current().reason(),
                    vips, s == null ? 0 : s.advertisementsSent(), s == null ? 0 : s.advertisementsReceived(),
                    sw == null ? 0 : sw.vipRefreshes()));
        }
        Map<String, WeightPolicy.Decision> decisions = weights.decisions();
        Map<String, PeerMonitor.PeerState> probes = monitor == null ? Map.of() : monitor.snapshot();
        List<StatusSnapshot.Node> ns = new ArrayList<>();
        for (EffectiveConfig.Node n : config.nodes()) {
            WeightPolicy.Decision d = decisions.get(n.name());
            PeerMonitor.PeerState ps = probes.get(n.name());
            ns.add(new StatusSnapshot.Node(n.name(), IpAddresses.format(n.address()), n.self(), d.state().name(), d.weight(),
                    d.configuredWeight(), d.reason(), ps == null ? null : ps.last().outcome().name(),
                    ps == null ? -1 : ps.last().latency().toMillis()));
        }
        StatusSnapshot snapshot = new StatusSnapshot(config.self().name(), IpAddresses.format(config.address()),
                config.networkInterface(), state, stateReason, Instant.now(), rs, ns, kernelTable, List.copyOf(transitions),
                counters, lastError);
        status.set(snapshot);
        observer.published(snapshot);
    }
}
