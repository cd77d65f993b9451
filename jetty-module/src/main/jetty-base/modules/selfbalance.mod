# Selfbalance ${project.version}; install: see the README section "Install"

[description]
Selfbalance: turns a group of Jetty servers into a self-balancing cluster. VRRP elects a master that
holds the virtual IP and programs Linux IPVS (direct routing) over all nodes; MicroProfile Health
checks of the deployed webapps drive each node's weight. Adds the server-wide health endpoint
/health, /health/live, /health/ready and /health/started.

[tags]
selfbalance
cluster
health

[depend]
server

[lib]
lib/selfbalance/*.jar
lib/selfbalance-api/*.jar

[xml]
etc/selfbalance.xml

[ini]
## Webapps must not see Selfbalance's own jars (Netty, SmallRye Config, Hibernate Validator, jnr-ffi...):
## hide them by location, so a webapp may bundle other versions of the same libraries. Every eeN-webapp
## module reads this property, so it holds for ee8..ee11 webapps alike.
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/selfbalance/
jetty.webapp.addHiddenClasses+=,${jetty.home.uri}/lib/selfbalance/
## Webapps implement the server's HealthCheck: never let a webapp load its own copy of the API.
jetty.webapp.addProtectedClasses+=,org.eclipse.microprofile.health.

[ini-template]
## Selfbalance configuration. Every key, its default and what is allowed; see README "Configuration
## reference". Sources, highest precedence first: system properties (-Dselfbalance.x=y), environment
## variables (SELFBALANCE_ROUTERS_MAIN_VRID=51), these Jetty properties (start.d/*.ini, start.jar command
## line), then ${jetty.base}/etc/selfbalance.properties when it exists. Invalid values stop Jetty with a
## list of every problem. Durations: 100ms, 1s, 2m, 1h or ISO-8601 (PT1.5S).
## Named groups: selfbalance.routers.<name>.*, selfbalance.services.<name>.*, selfbalance.nodes.<name>.*;
## a name (letters, digits, '-', '_') only groups keys and appears in messages and status.

## --- this node ---------------------------------------------------------------------------------
## Network interface that carries the VIPs on the master and the VRRP advertisements. Required.
# selfbalance.interface=eth0

## This node's own address (IPv4/IPv6 literal): the VRRP source address; must be one of the nodes.
## Default: the interface's primary address.
# selfbalance.address=192.168.77.11

## On stop: how long established connections keep being served after this node left IPVS (weight 0)
## and gave up mastership, before Jetty stops. 0s..1h.
# selfbalance.drain-time=10s

## The master adds each VIP with this valid lifetime and keeps refreshing it, so a VIP left behind by a
## process that died disappears by itself. 5s..1h.
# selfbalance.vip-lifetime=30s

## IPVS connection synchronisation: the master's kernel multicasts its connection entries on the interface
## (sync id = the router's VRID) and every backup's kernel keeps them (backups keep the IPVS service with only
## themselves weighted), so a new master keeps forwarding the connections already open (keep-alive clients)
## instead of resetting them. Needs exactly one router. true or false.
# selfbalance.connection-sync=false

## Nice value of the module's VRRP threads (control loop, raw socket readers), -20..19: a node loaded by
## requests and GC still sends and hears its advertisements on time. Lowering it needs CAP_SYS_NICE (root has
## it; without, a warning); 0 leaves them as the JVM's.
# selfbalance.control-nice=-10

## --- VRRP virtual routers (at least one; "main" is an example name) ------------------------------
## Virtual router id, 1..255, unique per address family on the segment. Required.
# selfbalance.routers.main.vrid=51
## Virtual addresses in CIDR form, comma-separated, all of one family (IPv6 needs version 3). Required.
# selfbalance.routers.main.vips=192.168.77.254/24
## This node's priority 1..254 (255 is reserved for the address owner); the highest becomes master.
# selfbalance.routers.main.priority=100
## VRRP version: 3 (RFC 5798) or 2 (RFC 3768, IPv4 only).
# selfbalance.routers.main.version=3
## Advertisement interval. Version 3: 10ms..40.95s in steps of 10ms; version 2: whole seconds 1s..255s.
# selfbalance.routers.main.advert-interval=1s
## Whether a higher-priority backup takes over from a lower-priority master.
# selfbalance.routers.main.preempt=true
## After start, how long this node waits before preempting a lower-priority master. 0s..1h.
# selfbalance.routers.main.preempt-delay=0s
## Comma-separated addresses of the other routers: advertise to each of them instead of multicast
## (224.0.0.18 / ff02::12). Default: multicast.
# selfbalance.routers.main.unicast-peers=192.168.77.12,192.168.77.13
## VRRPv3 over IPv4 checksum sent: rfc5798 (with pseudo-header, as keepalived) or rfc9568 (message only).
## Both forms are accepted on receive.
# selfbalance.routers.main.v3-checksum=rfc5798
## Gratuitous ARP / unsolicited NA sent by a new master: count 1..100, gap 0s..10s, and re-announce
## interval while master (0s = off, otherwise 1s..1h).
# selfbalance.routers.main.garp.repeat=5
# selfbalance.routers.main.garp.delay=200ms
# selfbalance.routers.main.garp.refresh=0s

## --- IPVS virtual services, offered on every VIP (none configured: one "http" with the defaults) ---
## Protocol: tcp (the only one supported).
# selfbalance.services.http.protocol=tcp
## Port 1..65535. Default: the port of Jetty's HTTP connector.
# selfbalance.services.http.port=8080
## IPVS scheduler: wrr, rr, lc, wlc, sh, mh, ... (any scheduler the kernel has a module for).
# selfbalance.services.http.scheduler=wrr
## Forwarding method: dr (direct routing, the only one supported).
# selfbalance.services.http.forwarding=dr

## --- real servers, this node included (at least one; "node1" is an example name) ----------------
## The node's address (IPv4/IPv6 literal), its IPVS destination. Required.
# selfbalance.nodes.node1.address=192.168.77.11
## IPVS weight while healthy, 0..65535 (0 = no new connections).
# selfbalance.nodes.node1.weight=1
## Readiness URL the master probes. Default: http://<address>:<HTTP port>/health/ready
# selfbalance.nodes.node1.health-url=http://192.168.77.11:8080/health/ready

## --- health ------------------------------------------------------------------------------------
## How often the master probes each node's health URL, 100ms..1h.
# selfbalance.health.probe-interval=1s
## Time limit of one probe, 10ms..probe-interval.
# selfbalance.health.probe-timeout=500ms
## Consecutive successful probes before a node counts as up, 1..100.
# selfbalance.health.rise=2
## Consecutive failed probes before a node counts as down, 1..100.
# selfbalance.health.fall=3
## How often this node evaluates its own checks, 100ms..1h.
# selfbalance.health.local-interval=1s
## Which local health makes a master resign: any (readiness or liveness DOWN), readiness, liveness, never.
# selfbalance.health.resign-on=any
## MicroProfile Health: readiness / startup status while no webapp has been deployed yet: UP or DOWN.
# mp.health.default.readiness.empty.response=DOWN
# mp.health.default.startup.empty.response=DOWN

## --- status endpoint ---------------------------------------------------------------------------
## Whether Jetty serves the status JSON.
# selfbalance.status.enabled=true
## Its URL path.
# selfbalance.status.path=/selfbalance/status
## Answer only requests from a loopback address.
# selfbalance.status.local-only=true

## --- notify hooks (keepalived compatible; default: none) ---------------------------------------
## Each value: the program's absolute path, then its arguments, comma-separated ("\," for a comma inside
## an argument); run directly, never through a shell. master/backup/fault/stop run when a router enters
## that state (stop: the router stopped); notify runs on every change with
## "INSTANCE <router> <MASTER|BACKUP|FAULT|STOP> <priority>" appended.
# selfbalance.notify.master=/etc/selfbalance/notify.sh,master
# selfbalance.notify.backup=/etc/selfbalance/notify.sh,backup
# selfbalance.notify.fault=/etc/selfbalance/notify.sh,fault
# selfbalance.notify.stop=/etc/selfbalance/notify.sh,stop
# selfbalance.notify.notify=/usr/local/bin/keepalived-state-file
## Time limit of one run (then SIGTERM, SIGKILL 1s later): more than 0s, at most 1h.
# selfbalance.notify.timeout=10s
## State changes that may wait for their hooks, 1..10000; more are dropped (WARN).
# selfbalance.notify.queue-capacity=64

## --- Prometheus metrics endpoint ---------------------------------------------------------------
## Whether Jetty serves the metrics.
# selfbalance.metrics.enabled=true
## Its URL path; not selfbalance.status.path nor <selfbalance.status.path>.html.
# selfbalance.metrics.path=/selfbalance/metrics
## Answer only requests from a loopback address (false: for a Prometheus server on another host).
# selfbalance.metrics.local-only=true
