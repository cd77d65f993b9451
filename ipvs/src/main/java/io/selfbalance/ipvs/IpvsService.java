package io.selfbalance.ipvs;

import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPVS virtual service: what it matches (family and either protocol/address/port or a firewall
 * mark) and how it schedules (scheduler name, flags, persistence timeout and netmask).
 *
 * @param family    address family of the service
 * @param protocol  transport protocol; null for a firewall-mark service
 * @param address   virtual address; null for a firewall-mark service
 * @param port      virtual port 0..65535 (0 with persistence = all ports); 0 for a firewall-mark service
 * @param fwmark    firewall mark, or 0 for a protocol/address/port service
 * @param scheduler scheduler name, e.g. {@code wrr}
 * @param flags     {@code IP_VS_SVC_F_*} flags ({@link #PERSISTENT}, {@link #ONE_PACKET}, scheduler flags)
 * @param timeout   persistence timeout in seconds (used with {@link #PERSISTENT})
 * @param netmask   persistence granularity as a prefix length (32 / 128 = per client address)
 */
public record IpvsService(AddressFamily family, IpvsProtocol protocol, InetAddress address, int port, int fwmark,
                          String scheduler, int flags, int timeout, int netmask) {

    public static final int PERSISTENT = 0x1;
    /** Set by the kernel on every service it holds; not a setting, so never compared or sent. */
    public static final int HASHED = 0x2;
    public static final int ONE_PACKET = 0x4;
    private static final Pattern SCHEDULER = Pattern.compile("[a-z0-9_]{1,15}");

    public IpvsService {
        Objects.requireNonNull(family, "family");
        if (fwmark != 0) {
            if (address != null || port != 0) {
                throw new IllegalArgumentException("a firewall-mark service (fwmark " + Integer.toUnsignedString(fwmark)
                        + ") has no address or port; got address " + address + " port " + port);
            }
            protocol = null;
        } else {
            Objects.requireNonNull(protocol, "protocol (required unless fwmark is set)");
            Objects.requireNonNull(address, "address (required unless fwmark is set)");
            if (AddressFamily.of(address) != family) {
                throw new IllegalArgumentException("address " + address.getHostAddress() + " is not of family " + family);
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (!isSchedulerName(scheduler)) {
            throw new IllegalArgumentException("scheduler '" + scheduler
                    + "' must be 1-15 characters of a-z, 0-9, _ (e.g. wrr, rr, wlc, mh)");
        }
        flags &= ~HASHED;
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout " + timeout + " must be >= 0 seconds");
        }
        if (netmask < 0 || netmask > family.maxPrefixLength()) {
            throw new IllegalArgumentException("netmask /" + netmask + " outside 0.." + family.maxPrefixLength()
                    + " for " + family);
        }
    }

    /** Whether {@code name} can name an IPVS scheduler (the kernel's limit is 15 characters). */
    static boolean isSchedulerName(String name) {
        return name != null && SCHEDULER.matcher(name).matches();
    }

    /** A non-persistent service with default netmask. */
    public static IpvsService of(IpvsProtocol protocol, InetAddress address, int port, String scheduler) {
        AddressFamily f = AddressFamily.of(address);
        return new IpvsService(f, protocol, address, port, 0, scheduler, 0, 0, f.maxPrefixLength());
    }

    public static IpvsService tcp(InetAddress address, int port, String scheduler) {
        return of(IpvsProtocol.TCP, address, port, scheduler);
    }

    public static IpvsService firewallMark(AddressFamily family, int fwmark, String scheduler) {
        if (fwmark == 0) {
            throw new IllegalArgumentException("fwmark must not be 0");
        }
        return new IpvsService(family, null, null, 0, fwmark, scheduler, 0, 0, family.maxPrefixLength());
    }

    public IpvsService withScheduler(String s) {
        return new IpvsService(family, protocol, address, port, fwmark, s, flags, timeout, netmask);
    }

    /** Persistent with {@code seconds} timeout. */
    public IpvsService withPersistence(int seconds) {
        return new IpvsService(family, protocol, address, port, fwmark, scheduler, flags | PERSISTENT, seconds, netmask);
    }

    public Key key() {
        return new Key(family, protocol, address, port, fwmark);
    }

    /** Same scheduling settings (everything but identity): no edit is needed to go from one to the other. */
    public boolean sameSettings(IpvsService other) {
        return scheduler.equals(other.scheduler) && flags == other.flags && timeout == other.timeout
                && netmask == other.netmask;
    }

    @Override
    public String toString() {
        return key() + " " + scheduler + ((flags & PERSISTENT) != 0 ? " persistent " + timeout + "s" : "")
                + (flags != 0 ? " flags=0x" + Integer.toHexString(flags) : "");
    }

    /** What identifies a virtual service in the kernel. */
    public record Key(AddressFamily family, IpvsProtocol protocol, InetAddress address, int port, int fwmark) {
        @Override
        public String toString() {
            if (fwmark != 0) {
                return "FWM " + Integer.toUnsignedString(fwmark) + " " + family;
            }
            String a = Addresses.format(address);
            return protocol + " " + (family == AddressFamily.INET6 ? "[" + a + "]" : a) + ":" + port;
        }
    }
}
