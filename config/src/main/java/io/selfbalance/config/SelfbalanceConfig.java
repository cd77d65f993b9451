package io.selfbalance.config;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The whole user-facing configuration of Selfbalance, every key under the prefix {@code selfbalance.}.
 *
 * <p>Maps are named: {@code selfbalance.routers.<name>.*}, {@code selfbalance.services.<name>.*} and
 * {@code selfbalance.nodes.<name>.*}; the names only group keys and appear in messages and status.
 * Load it with {@link SelfbalanceConfigLoader}, which adds the cross-field rules the annotations cannot express.
 * Durations accept {@code 100ms}, {@code 1s}, {@code 2m}, {@code 1h} and ISO-8601 ({@code PT1.5S}).
 */
@ConfigMapping(prefix = "selfbalance")
public interface SelfbalanceConfig {

    /**
     * {@code selfbalance.interface}: the network interface that carries the VIPs on the master and the
     * VRRP advertisements, e.g. {@code eth0} or {@code bond0}. Required.
     */
    @WithName("interface")
    @Pattern(regexp = "[^/\\s:]{1,15}", message = "must be a Linux interface name: 1..15 characters, no '/', ':' or white space")
    String networkInterface();

    /**
     * {@code selfbalance.address}: this node's own address (IPv4 or IPv6 literal). It is the VRRP source
     * address and must be one of the {@link #nodes()}. Default: the interface's primary address, which
     * the caller resolves at run time (empty here).
     */
    Optional<InetAddress> address();

    /** {@code selfbalance.routers.<name>.*}: the VRRP virtual routers, at least one. */
    Map<String, Router> routers();

    /**
     * {@code selfbalance.services.<name>.*}: the IPVS virtual services offered on every VIP of the
     * routers. When none is configured, one service {@code http} with all defaults is used.
     */
    Map<String, VirtualService> services();

    /** {@code selfbalance.nodes.<name>.*}: the real servers, this node included; at least one. */
    Map<String, Node> nodes();

    /** {@code selfbalance.health.*}: local health evaluation and probes of the peers. */
    Health health();

    /**
     * {@code selfbalance.drain-time}: on stop, how long this node keeps serving established connections
     * after it left IPVS (weight 0) and gave up mastership, before Jetty stops. 0s..1h, default 10s.
     */
    @WithDefault("10s")
    @DurationMin(message = "must be 0s..1h")
    @DurationMax(hours = 1, message = "must be 0s..1h")
    Duration drainTime();

    /**
     * {@code selfbalance.vip-lifetime}: the master adds each VIP to the interface with this valid
     * lifetime and keeps refreshing it, so a VIP left behind by a process that died disappears by
     * itself. 5s..1h, default 30s.
     */
    @WithDefault("30s")
    @DurationMin(seconds = 5, message = "must be 5s..1h")
    @DurationMax(hours = 1, message = "must be 5s..1h")
    Duration vipLifetime();

    /**
     * {@code selfbalance.connection-sync}: the kernel's IPVS connection synchronisation between the nodes. The master
     * runs the master sync daemon, which multicasts the connection entries it creates on {@code selfbalance.interface}
     * (sync id = the router's VRID); every backup runs the backup daemon and keeps the IPVS services as a standby
     * table (every node a destination, only itself weighted), so it knows every connection's real server: a new
     * master keeps forwarding the connections already open (keep-alive clients) instead of resetting them. Needs
     * exactly one router. Default false.
     */
    @WithDefault("false")
    boolean connectionSync();

    /**
     * {@code selfbalance.control-nice}: the nice value of the module's VRRP threads (the control loop, which sends
     * the advertisements and runs the timers, and the raw socket readers), -20..19, default -10: a node loaded by
     * requests and garbage collection still sends and hears its advertisements on time (keepalived's
     * {@code vrrp_priority}). Lowering it needs {@code CAP_SYS_NICE} (root has it); without, a warning and the
     * threads keep the JVM's. 0 leaves them as the JVM's.
     */
    @WithDefault("-10")
    @Min(value = -20, message = "must be -20..19")
    @Max(value = 19, message = "must be -20..19")
    int controlNice();

    /** {@code selfbalance.status.*}: the status endpoint. */
    Status status();

    /**
     * {@code selfbalance.notify.*}: programs run on VRRP state changes, as keepalived's {@code notify_*}.
     * (Named {@code notifyHooks} because {@code notify()} is final in {@link Object}.)
     */
    @WithName("notify")
    Notify notifyHooks();

    /** {@code selfbalance.metrics.*}: the Prometheus metrics endpoint. */
    Metrics metrics();

    /** One VRRP virtual router (one VRID, one address family). */
    interface Router {

        /** {@code vrid}: the virtual router id, 1..255; unique per address family on the segment. Required. */
        @Min(value = 1, message = "must be 1..255")
        @Max(value = 255, message = "must be 1..255")
        int vrid();

        /**
         * {@code vips}: comma-separated virtual addresses in CIDR form, e.g.
         * {@code 192.168.77.254/24}; all of one family (IPv6 needs version 3). Required.
         */
        @NotEmpty(message = "must list at least one address in CIDR form, e.g. 192.168.77.254/24")
        List<IpPrefix> vips();

        /**
         * {@code priority}: this node's VRRP priority, 1..254 (255 is reserved for the address owner,
         * which a Selfbalance node never is), default 100; the highest priority becomes master.
         */
        @WithDefault("100")
        @Min(value = 1, message = "must be 1..254 (255 is reserved for the address owner)")
        @Max(value = 254, message = "must be 1..254 (255 is reserved for the address owner)")
        int priority();

        /** {@code version}: VRRP version, 3 (RFC 5798, default) or 2 (RFC 3768, IPv4 only). */
        @WithDefault("3")
        @Min(value = 2, message = "must be 3 or 2")
        @Max(value = 3, message = "must be 3 or 2")
        int version();

        /**
         * {@code advert-interval}: the advertisement interval. Version 3: 10ms..40.95s in steps of 10ms;
         * version 2: whole seconds 1s..255s. Default 1s.
         */
        @WithDefault("1s")
        Duration advertInterval();

        /** {@code preempt}: whether a higher-priority backup takes over from a lower-priority master. Default true. */
        @WithDefault("true")
        boolean preempt();

        /**
         * {@code preempt-delay}: after start, how long this node waits before preempting a lower-priority
         * master (lets its own Jetty warm up). 0s..1h, default 0s.
         */
        @WithDefault("0s")
        @DurationMin(message = "must be 0s..1h")
        @DurationMax(hours = 1, message = "must be 0s..1h")
        Duration preemptDelay();

        /**
         * {@code unicast-peers}: comma-separated addresses of the other routers; when set, advertisements
         * are sent to each of them instead of the multicast group (224.0.0.18 / ff02::12). Default: multicast.
         */
        Optional<List<InetAddress>> unicastPeers();

        /**
         * {@code v3-checksum}: how VRRPv3 over IPv4 computes the checksum it sends: {@code rfc5798} (with
         * the IPv4 pseudo-header, as keepalived and most routers send by default) or {@code rfc9568}
         * (the VRRP message only). Received advertisements are accepted in either form. Default rfc5798.
         */
        @WithDefault("rfc5798")
        V3Checksum v3Checksum();

        /** {@code garp.*}: gratuitous ARP / unsolicited neighbour advertisements sent by a new master. */
        Garp garp();
    }

    /** Announcements a new master sends so that the segment learns the VIP's new MAC address at once. */
    interface Garp {

        /** {@code repeat}: how many announcements per VIP on becoming master, 1..100, default 5. */
        @WithDefault("5")
        @Min(value = 1, message = "must be 1..100")
        @Max(value = 100, message = "must be 1..100")
        int repeat();

        /** {@code delay}: the gap between those announcements, 0s..10s, default 200ms. */
        @WithDefault("200ms")
        @DurationMin(message = "must be 0s..10s")
        @DurationMax(seconds = 10, message = "must be 0s..10s")
        Duration delay();

        /**
         * {@code refresh}: while master, announce again at this interval (for switches that age out
         * their tables); 0s disables, otherwise 1s..1h. Default 0s.
         */
        @WithDefault("0s")
        @DurationMin(message = "must be 0s (off) or 1s..1h")
        @DurationMax(hours = 1, message = "must be 0s (off) or 1s..1h")
        Duration refresh();
    }

    /** One IPVS virtual service, offered on every VIP. */
    interface VirtualService {

        /** {@code protocol}: {@code tcp} (the only one supported: HTTP). Default tcp. */
        @WithDefault("tcp")
        ServiceProtocol protocol();

        /** {@code port}: 1..65535. Default: the port of Jetty's HTTP connector (the caller fills it in). */
        @Min(value = 1, message = "must be 1..65535")
        @Max(value = 65535, message = "must be 1..65535")
        OptionalInt port();

        /**
         * {@code scheduler}: the IPVS scheduler, default {@code wrr}; any name the kernel has a module for
         * ({@code rr wrr lc wlc sh mh sed nq ...}): lower-case letters, digits, '_', at most 15 characters.
         */
        @WithDefault("wrr")
        @Pattern(regexp = "[a-z0-9_]{1,15}", message = "must be an IPVS scheduler name such as wrr, rr, lc, wlc, sh, mh (1..15 characters a-z 0-9 _)")
        String scheduler();

        /** {@code forwarding}: {@code dr} (direct routing, the only one supported). Default dr. */
        @WithDefault("dr")
        Forwarding forwarding();
    }

    /** One real server. */
    interface Node {

        /** {@code address}: the node's address (IPv4 or IPv6 literal) as IPVS destination. Required. */
        InetAddress address();

        /**
         * {@code weight}: the IPVS weight while healthy, 0..65535 (0 takes the node out of new
         * connections), default 1.
         */
        @WithDefault("1")
        @Min(value = 0, message = "must be 0..65535")
        @Max(value = 65535, message = "must be 0..65535")
        int weight();

        /**
         * {@code health-url}: the readiness URL probed by the master. Default
         * {@code http://<address>:<port>/health/ready} with the Jetty HTTP connector port.
         */
        Optional<URI> healthUrl();
    }

    /** Health evaluation. */
    interface Health {

        /** {@code probe-interval}: how often the master probes each node's health URL, 100ms..1h, default 1s. */
        @WithDefault("1s")
        @DurationMin(millis = 100, message = "must be 100ms..1h")
        @DurationMax(hours = 1, message = "must be 100ms..1h")
        Duration probeInterval();

        /** {@code probe-timeout}: how long one probe may take, 10ms..probe-interval, default 500ms. */
        @WithDefault("500ms")
        @DurationMin(millis = 10, message = "must be 10ms..1h and at most probe-interval")
        @DurationMax(hours = 1, message = "must be 10ms..1h and at most probe-interval")
        Duration probeTimeout();

        /** {@code rise}: consecutive successful probes before a node counts as up, 1..100, default 2. */
        @WithDefault("2")
        @Min(value = 1, message = "must be 1..100")
        @Max(value = 100, message = "must be 1..100")
        int rise();

        /** {@code fall}: consecutive failed probes before a node counts as down, 1..100, default 3. */
        @WithDefault("3")
        @Min(value = 1, message = "must be 1..100")
        @Max(value = 100, message = "must be 1..100")
        int fall();

        /** {@code local-interval}: how often this node evaluates its own health checks, 100ms..1h, default 1s. */
        @WithDefault("1s")
        @DurationMin(millis = 100, message = "must be 100ms..1h")
        @DurationMax(hours = 1, message = "must be 100ms..1h")
        Duration localInterval();

        /**
         * {@code resign-on}: which local health state makes a master resign (send priority 0 so a backup
         * takes over at once): {@code any} (readiness or liveness DOWN, default), {@code readiness},
         * {@code liveness}, or {@code never}.
         */
        @WithDefault("any")
        ResignOn resignOn();
    }

    /** The status endpoint served by Jetty. */
    interface Status {

        /** {@code enabled}: whether Jetty serves the status endpoint. Default true. */
        @WithDefault("true")
        boolean enabled();

        /** {@code path}: the URL path of the status endpoint, default {@code /selfbalance/status}. */
        @WithDefault("/selfbalance/status")
        @Pattern(regexp = "/[A-Za-z0-9._~/-]*", message = "must be a URL path starting with '/' (letters, digits, . _ ~ - /)")
        String path();

        /** {@code local-only}: answer only requests from a loopback address. Default true. */
        @WithDefault("true")
        boolean localOnly();
    }

    /**
     * Notify hooks. Each hook is an argument vector, a comma-separated list ({@code \,} for a comma inside
     * an argument): the program's absolute path, then its arguments. It is executed directly, never through
     * a shell. Not set: no hook.
     */
    interface Notify {

        /** {@code master}: run when a router becomes MASTER (keepalived {@code notify_master}). */
        Optional<List<String>> master();

        /** {@code backup}: run when a router becomes BACKUP (keepalived {@code notify_backup}). */
        Optional<List<String>> backup();

        /** {@code fault}: run when a router enters FAULT (keepalived {@code notify_fault}). */
        Optional<List<String>> fault();

        /** {@code stop}: run when a router stops, i.e. returns to INITIALIZE (keepalived {@code notify_stop}). */
        Optional<List<String>> stop();

        /**
         * {@code notify}: run on every one of those changes, after the state's own hook, with
         * {@code INSTANCE <router> <STATE> <priority>} appended (keepalived {@code notify}).
         */
        @WithName("notify")
        Optional<List<String>> everyChange();

        /** {@code timeout}: how long one run may take before it is killed; more than 0s, at most 1h; default 10s. */
        @WithDefault("10s")
        @DurationMin(nanos = 0, inclusive = false, message = "must be more than 0s and at most 1h")
        @DurationMax(hours = 1, message = "must be more than 0s and at most 1h")
        Duration timeout();

        /** {@code queue-capacity}: how many state changes may wait for their hooks; more are dropped. 1..10000, default 64. */
        @WithDefault("64")
        @Min(value = 1, message = "must be 1..10000")
        @Max(value = 10000, message = "must be 1..10000")
        int queueCapacity();
    }

    /** The Prometheus metrics endpoint served by Jetty. */
    interface Metrics {

        /** {@code enabled}: whether Jetty serves the metrics. Default true. */
        @WithDefault("true")
        boolean enabled();

        /**
         * {@code path}: the URL path of the metrics, default {@code /selfbalance/metrics}; not the status
         * endpoint's path nor its page ({@code <status.path>.html}).
         */
        @WithDefault("/selfbalance/metrics")
        @Pattern(regexp = "/[A-Za-z0-9._~/-]*", message = "must be a URL path starting with '/' (letters, digits, . _ ~ - /)")
        String path();

        /** {@code local-only}: answer only requests from a loopback address. Default true. */
        @WithDefault("true")
        boolean localOnly();
    }
}
