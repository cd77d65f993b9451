package io.selfbalance.ipvs;

import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkFormatException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * IPVS generic netlink messages ({@code include/uapi/linux/ip_vs.h}): builds the requests for each
 * operation and decodes the kernel's service, destination and info replies. Pure: no socket.
 */
public final class IpvsCodec {
    public static final String FAMILY = "IPVS";
    public static final int VERSION = 1;

    static final int CMD_NEW_SERVICE = 1;
    static final int CMD_SET_SERVICE = 2;
    static final int CMD_DEL_SERVICE = 3;
    static final int CMD_GET_SERVICE = 4;
    static final int CMD_NEW_DEST = 5;
    static final int CMD_SET_DEST = 6;
    static final int CMD_DEL_DEST = 7;
    static final int CMD_GET_DEST = 8;
    static final int CMD_NEW_DAEMON = 9;
    static final int CMD_DEL_DAEMON = 10;
    static final int CMD_GET_DAEMON = 11;
    static final int CMD_GET_INFO = 15;
    static final int CMD_FLUSH = 17;

    static final int CMD_ATTR_SERVICE = 1;
    static final int CMD_ATTR_DEST = 2;
    static final int CMD_ATTR_DAEMON = 3;

    static final int DAEMON_ATTR_STATE = 1;
    static final int DAEMON_ATTR_MCAST_IFN = 2;
    static final int DAEMON_ATTR_SYNC_ID = 3;

    static final int SVC_ATTR_AF = 1;
    static final int SVC_ATTR_PROTOCOL = 2;
    static final int SVC_ATTR_ADDR = 3;
    static final int SVC_ATTR_PORT = 4;
    static final int SVC_ATTR_FWMARK = 5;
    static final int SVC_ATTR_SCHED_NAME = 6;
    static final int SVC_ATTR_FLAGS = 7;
    static final int SVC_ATTR_TIMEOUT = 8;
    static final int SVC_ATTR_NETMASK = 9;
    static final int SVC_ATTR_STATS = 10;
    static final int SVC_ATTR_STATS64 = 12;

    static final int DEST_ATTR_ADDR = 1;
    static final int DEST_ATTR_PORT = 2;
    static final int DEST_ATTR_FWD_METHOD = 3;
    static final int DEST_ATTR_WEIGHT = 4;
    static final int DEST_ATTR_U_THRESH = 5;
    static final int DEST_ATTR_L_THRESH = 6;
    static final int DEST_ATTR_ACTIVE_CONNS = 7;
    static final int DEST_ATTR_INACT_CONNS = 8;
    static final int DEST_ATTR_PERSIST_CONNS = 9;
    static final int DEST_ATTR_STATS = 10;
    static final int DEST_ATTR_ADDR_FAMILY = 11;
    static final int DEST_ATTR_STATS64 = 12;

    static final int INFO_ATTR_VERSION = 1;
    static final int INFO_ATTR_CONN_TAB_SIZE = 2;

    private final int familyId;

    public IpvsCodec(int familyId) {
        this.familyId = familyId;
    }

    public int familyId() {
        return familyId;
    }

    // ---- requests

    public NetlinkRequest info() {
        return request(GenericNetlink.message(CMD_GET_INFO, VERSION), 0, "read IPVS version");
    }

    public NetlinkRequest dumpServices() {
        return request(GenericNetlink.message(CMD_GET_SERVICE, VERSION), 0, "list IPVS services");
    }

    public NetlinkRequest dumpDestinations(IpvsService.Key service) {
        AttributeWriter w = GenericNetlink.message(CMD_GET_DEST, VERSION);
        serviceKey(w, service);
        return request(w, 0, "list destinations of " + service);
    }

    public NetlinkRequest flush() {
        return request(GenericNetlink.message(CMD_FLUSH, VERSION), 0, "flush IPVS table");
    }

    /** Starts a sync daemon: state, interface and sync id (the kernel's defaults for group, port, TTL, size). */
    public NetlinkRequest newDaemon(IpvsSyncDaemon d) {
        AttributeWriter w = GenericNetlink.message(CMD_NEW_DAEMON, VERSION);
        int nest = w.beginNested(CMD_ATTR_DAEMON);
        w.putU32(DAEMON_ATTR_STATE, d.role().state());
        w.putString(DAEMON_ATTR_MCAST_IFN, d.interfaceName());
        w.putU32(DAEMON_ATTR_SYNC_ID, d.syncId());
        w.endNested(nest);
        return request(w, 0, "start " + d);
    }

    /** Stops the sync daemon of {@code role}. */
    public NetlinkRequest delDaemon(IpvsSyncDaemon.Role role) {
        AttributeWriter w = GenericNetlink.message(CMD_DEL_DAEMON, VERSION);
        int nest = w.beginNested(CMD_ATTR_DAEMON);
        w.putU32(DAEMON_ATTR_STATE, role.state());
        w.endNested(nest);
        return request(w, 0, "stop the " + role.name().toLowerCase(java.util.Locale.ROOT) + " sync daemon");
    }

    public NetlinkRequest dumpDaemons() {
        return request(GenericNetlink.message(CMD_GET_DAEMON, VERSION), 0, "list IPVS sync daemons");
    }

    /** A running sync daemon from a {@code IPVS_CMD_GET_DAEMON} reply. */
    public IpvsSyncDaemon decodeDaemon(NetlinkMessage m) {
        Attributes d = GenericNetlink.attributes(m).nested(CMD_ATTR_DAEMON);
        int state = d.u32(DAEMON_ATTR_STATE);
        String ifname = d.string(DAEMON_ATTR_MCAST_IFN);
        int syncId = d.u32(DAEMON_ATTR_SYNC_ID);
        try {
            return new IpvsSyncDaemon(IpvsSyncDaemon.Role.ofState(state), ifname, syncId & 0xff);
        } catch (IllegalArgumentException e) {
            throw new NetlinkFormatException("sync daemon reply not accepted: " + e.getMessage() + " (IPVS_DAEMON_ATTR_MCAST_IFN '"
                    + printable(ifname) + "')", e);
        }
    }

    public NetlinkRequest request(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            return fullService(CMD_NEW_SERVICE, a.service(), op.toString());
        }
        if (op instanceof IpvsOperation.EditService e) {
            return fullService(CMD_SET_SERVICE, e.service(), op.toString());
        }
        if (op instanceof IpvsOperation.DeleteService d) {
            AttributeWriter w = GenericNetlink.message(CMD_DEL_SERVICE, VERSION);
            serviceKey(w, d.service());
            return request(w, 0, op.toString());
        }
        if (op instanceof IpvsOperation.AddDestination a) {
            return fullDestination(CMD_NEW_DEST, a.service(), a.destination(), op.toString());
        }
        if (op instanceof IpvsOperation.EditDestination e) {
            return fullDestination(CMD_SET_DEST, e.service(), e.destination(), op.toString());
        }
        IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
        AttributeWriter w = GenericNetlink.message(CMD_DEL_DEST, VERSION);
        serviceKey(w, d.service());
        int dest = w.beginNested(CMD_ATTR_DEST);
        w.putU16(DEST_ATTR_ADDR_FAMILY, AddressFamily.of(d.destination().address()).number());
        w.put(DEST_ATTR_ADDR, d.destination().address().getAddress());
        w.putBe16(DEST_ATTR_PORT, d.destination().port());
        w.endNested(dest);
        return request(w, 0, op.toString());
    }

    private NetlinkRequest request(AttributeWriter w, int flags, String operation) {
        return new NetlinkRequest(familyId, flags, w.toByteArray(), operation);
    }

    private NetlinkRequest fullService(int cmd, IpvsService s, String operation) {
        AttributeWriter w = GenericNetlink.message(cmd, VERSION);
        int nest = w.beginNested(CMD_ATTR_SERVICE);
        serviceKeyAttributes(w, s.key());
        w.putString(SVC_ATTR_SCHED_NAME, s.scheduler());
        // struct ip_vs_flags {flags, mask}: the mask says every flag bit is being set
        w.put(SVC_ATTR_FLAGS, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(s.flags()).putInt(-1).array());
        w.putU32(SVC_ATTR_TIMEOUT, s.timeout());
        if (s.family() == AddressFamily.INET) {
            w.putBe32(SVC_ATTR_NETMASK, prefixToMask(s.netmask()));
        } else {
            w.putU32(SVC_ATTR_NETMASK, s.netmask());
        }
        w.endNested(nest);
        return request(w, 0, operation);
    }

    private NetlinkRequest fullDestination(int cmd, IpvsService.Key service, IpvsDestination d, String operation) {
        AttributeWriter w = GenericNetlink.message(cmd, VERSION);
        serviceKey(w, service);
        int nest = w.beginNested(CMD_ATTR_DEST);
        w.putU16(DEST_ATTR_ADDR_FAMILY, AddressFamily.of(d.address()).number());
        w.put(DEST_ATTR_ADDR, d.address().getAddress());
        w.putBe16(DEST_ATTR_PORT, d.port());
        w.putU32(DEST_ATTR_FWD_METHOD, d.forwarding().code());
        w.putU32(DEST_ATTR_WEIGHT, d.weight());
        w.putU32(DEST_ATTR_U_THRESH, d.upperThreshold());
        w.putU32(DEST_ATTR_L_THRESH, d.lowerThreshold());
        w.endNested(nest);
        return request(w, 0, operation);
    }

    private static void serviceKey(AttributeWriter w, IpvsService.Key key) {
        int nest = w.beginNested(CMD_ATTR_SERVICE);
        serviceKeyAttributes(w, key);
        w.endNested(nest);
    }

    private static void serviceKeyAttributes(AttributeWriter w, IpvsService.Key key) {
        w.putU16(SVC_ATTR_AF, key.family().number());
        if (key.fwmark() != 0) {
            w.putU32(SVC_ATTR_FWMARK, key.fwmark());
        } else {
            w.putU16(SVC_ATTR_PROTOCOL, key.protocol().number());
            w.put(SVC_ATTR_ADDR, key.address().getAddress());
            w.putBe16(SVC_ATTR_PORT, key.port());
        }
    }

    static int prefixToMask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    static int maskToPrefix(int mask) {
        int prefix = Integer.bitCount(mask);
        if (prefixToMask(prefix) != mask) {
            throw new NetlinkFormatException("IPv4 netmask 0x" + Integer.toHexString(mask) + " is not contiguous");
        }
        return prefix;
    }

    // ---- replies

    public IpvsInfo decodeInfo(NetlinkMessage m) {
        Attributes a = GenericNetlink.attributes(m);
        return new IpvsInfo(a.u32(INFO_ATTR_VERSION), a.has(INFO_ATTR_CONN_TAB_SIZE) ? a.u32(INFO_ATTR_CONN_TAB_SIZE) : 0);
    }

    /**
     * A service from a kernel reply. Every value is checked against what {@link IpvsService} accepts while it is
     * read, so a malformed or unexpected reply fails with a {@link NetlinkFormatException} naming the attribute and
     * its value, never with the value type's {@link IllegalArgumentException}.
     */
    public IpvsService decodeService(NetlinkMessage m) {
        Attributes s = GenericNetlink.attributes(m).nested(CMD_ATTR_SERVICE);
        AddressFamily family = family("SVC_ATTR_AF", s.u16(SVC_ATTR_AF));
        int fwmark = s.has(SVC_ATTR_FWMARK) ? s.u32(SVC_ATTR_FWMARK) : 0;
        IpvsProtocol protocol = null;
        InetAddress address = null;
        int port = 0;
        if (fwmark == 0) {
            protocol = protocol(s.u16(SVC_ATTR_PROTOCOL));
            address = address(family, s.bytes(SVC_ATTR_ADDR));
            port = s.be16(SVC_ATTR_PORT);
        }
        String scheduler = s.string(SVC_ATTR_SCHED_NAME);
        if (!IpvsService.isSchedulerName(scheduler)) {
            throw new NetlinkFormatException("SVC_ATTR_SCHED_NAME '" + printable(scheduler)
                    + "' is not a scheduler name (1-15 characters of a-z, 0-9, _)");
        }
        int flags = s.has(SVC_ATTR_FLAGS) ? serviceFlags(s.bytes(SVC_ATTR_FLAGS)) : 0;
        int timeout = s.has(SVC_ATTR_TIMEOUT) ? nonNegative("SVC_ATTR_TIMEOUT", s.u32(SVC_ATTR_TIMEOUT)) : 0;
        int netmask = family.maxPrefixLength();
        if (s.has(SVC_ATTR_NETMASK)) {
            netmask = family == AddressFamily.INET ? maskToPrefix(s.be32(SVC_ATTR_NETMASK)) : s.u32(SVC_ATTR_NETMASK);
            if (netmask < 0 || netmask > family.maxPrefixLength()) {
                throw new NetlinkFormatException("SVC_ATTR_NETMASK " + Integer.toUnsignedString(netmask)
                        + " of an " + family + " service is not a prefix length 0.." + family.maxPrefixLength());
            }
        }
        try {
            return new IpvsService(family, protocol, address, port, fwmark, scheduler, flags, timeout, netmask);
        } catch (IllegalArgumentException | NullPointerException e) {
            // the checks above cover what the constructor checks; this keeps the documented exception if they drift
            throw new NetlinkFormatException("service reply not accepted: " + e.getMessage(), e);
        }
    }

    /**
     * A destination from a kernel reply; like {@link #decodeService}, a value {@link IpvsDestination} would refuse
     * fails with a {@link NetlinkFormatException} naming the attribute and its value.
     */
    public IpvsDestination decodeDestination(NetlinkMessage m, AddressFamily serviceFamily) {
        Attributes d = GenericNetlink.attributes(m).nested(CMD_ATTR_DEST);
        AddressFamily family = d.has(DEST_ATTR_ADDR_FAMILY)
                ? family("DEST_ATTR_ADDR_FAMILY", d.u16(DEST_ATTR_ADDR_FAMILY)) : serviceFamily;
        IpvsStats stats = IpvsStats.ZERO;
        if (d.has(DEST_ATTR_STATS64)) {
            stats = stats(d.nested(DEST_ATTR_STATS64));
        } else if (d.has(DEST_ATTR_STATS)) {
            stats = stats(d.nested(DEST_ATTR_STATS));
        }
        IpvsDestination.Counters counters = new IpvsDestination.Counters(
                optionalCounter(d, DEST_ATTR_ACTIVE_CONNS), optionalCounter(d, DEST_ATTR_INACT_CONNS),
                optionalCounter(d, DEST_ATTR_PERSIST_CONNS), stats);
        InetAddress address = address(family, d.bytes(DEST_ATTR_ADDR));
        int port = d.be16(DEST_ATTR_PORT);
        Forwarding forwarding = forwarding(d.u32(DEST_ATTR_FWD_METHOD));
        int weight = nonNegative("DEST_ATTR_WEIGHT", d.u32(DEST_ATTR_WEIGHT));
        int upper = nonNegative("DEST_ATTR_U_THRESH", d.u32(DEST_ATTR_U_THRESH));
        int lower = nonNegative("DEST_ATTR_L_THRESH", d.u32(DEST_ATTR_L_THRESH));
        try {
            return new IpvsDestination(address, port, forwarding, weight, upper, lower, counters);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new NetlinkFormatException("destination reply not accepted: " + e.getMessage(), e);
        }
    }

    private static AddressFamily family(String attribute, int number) {
        if (number == AddressFamily.INET.number()) {
            return AddressFamily.INET;
        }
        if (number == AddressFamily.INET6.number()) {
            return AddressFamily.INET6;
        }
        throw new NetlinkFormatException(attribute + " " + number + " is neither AF_INET (2) nor AF_INET6 (10)");
    }

    private static IpvsProtocol protocol(int number) {
        for (IpvsProtocol p : IpvsProtocol.values()) {
            if (p.number() == number) {
                return p;
            }
        }
        throw new NetlinkFormatException("SVC_ATTR_PROTOCOL " + number + " is not TCP (6), UDP (17) or SCTP (132)");
    }

    /** The kernel keeps other IP_VS_CONN_F_* bits next to the method; only the low 3 bits are the method. */
    private static Forwarding forwarding(int code) {
        for (Forwarding f : Forwarding.values()) {
            if (f.code() == (code & 0x7)) {
                return f;
            }
        }
        throw new NetlinkFormatException("DEST_ATTR_FWD_METHOD 0x" + Integer.toHexString(code)
                + " has forwarding method " + (code & 0x7) + "; known: 0 (NAT), 1 (local), 2 (tunnel), 3 (DR)");
    }

    /** struct ip_vs_flags {u32 flags; u32 mask}: only the flags word is read, so at least 4 bytes are needed. */
    private static int serviceFlags(byte[] raw) {
        if (raw.length < 4) {
            throw new NetlinkFormatException("SVC_ATTR_FLAGS has " + raw.length
                    + " bytes; struct ip_vs_flags starts with a 4-byte flags word");
        }
        return ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getInt(0);
    }

    /** A kernel u32 that the value types hold as a non-negative int: 2^31 and above is refused, not wrapped. */
    private static int nonNegative(String attribute, int u32) {
        if (u32 < 0) {
            throw new NetlinkFormatException(attribute + " " + Integer.toUnsignedString(u32)
                    + " is above the supported maximum " + Integer.MAX_VALUE);
        }
        return u32;
    }

    /** A kernel string for an error message: anything outside printable ASCII as \xNN. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b.toString();
    }

    private static long optionalCounter(Attributes a, int type) {
        return a.has(type) ? a.counter(type) : 0;
    }

    private static IpvsStats stats(Attributes a) {
        long[] v = new long[10];
        for (int i = 0; i < 10; i++) {
            v[i] = a.has(i + 1) ? a.counter(i + 1) : 0;
        }
        return new IpvsStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    /**
     * The kernel sends a 16-byte union nf_inet_addr; an IPv4 address is its first 4 bytes. An IPv6 address stays an
     * {@link java.net.Inet6Address} even when it is IPv4-mapped ({@code ::ffff:a.b.c.d}), which IPVS accepts as an
     * IPv6 service or destination: {@link InetAddress#getByAddress(byte[])} would turn it into an IPv4 address.
     */
    static InetAddress address(AddressFamily family, byte[] raw) {
        if (raw.length < family.addressLength()) {
            throw new NetlinkFormatException(family + " address of " + raw.length + " bytes");
        }
        try {
            byte[] bytes = Arrays.copyOf(raw, family.addressLength());
            return family == AddressFamily.INET6 ? Inet6Address.getByAddress(null, bytes, -1)
                    : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new NetlinkFormatException("bad address bytes: " + e.getMessage());
        }
    }

    /** Whether a message is a netlink generic reply of this family. */
    boolean isMine(NetlinkMessage m) {
        return m.type() == familyId && m.payload().length >= GenericNetlink.GENL_HEADER_LENGTH
                && m.type() != Netlink.NLMSG_ERROR;
    }
}
