package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * The configuration of one virtual router (one VRID on one interface). Plain values; the
 * constructor rejects bad input with a message naming the setting, the value and what is allowed.
 *
 * @param interfaceName  the Linux interface the router runs on, e.g. {@code eth0}
 * @param vrid           virtual router id 1..255
 * @param version        {@link VrrpVersion#V3} (IPv4 or IPv6) or {@link VrrpVersion#V2} (IPv4)
 * @param priority       1..254, or 255 for the owner of the addresses (master at once on start)
 * @param advertInterval v3: 10 ms steps, 10 ms..40.95 s; v2: whole seconds 1..255
 * @param preempt        whether a higher-priority backup takes over from a lower-priority master
 * @param preemptDelay   after start, how long a backup waits before it preempts (0 = at once)
 * @param vips           virtual addresses announced, 1..255, all of one family (this is the family)
 * @param unicastPeers   empty for multicast; else the peers' addresses (adverts go to each, and only
 *                       their adverts are accepted)
 * @param checksumMode   v3 IPv4 checksum form for sending (keepalived's default is
 *                       {@link ChecksumMode#WITH_PSEUDO_HEADER}); both forms are accepted
 * @param primaryAddress this router's address for the tie-break and as source; {@code null} lets the
 *                       transport use the interface's primary (IPv6: link-local) address
 */
public record VrrpRouterSettings(String interfaceName, int vrid, VrrpVersion version, int priority,
                                 Duration advertInterval, boolean preempt, Duration preemptDelay,
                                 List<InetAddress> vips, List<InetAddress> unicastPeers,
                                 ChecksumMode checksumMode, InetAddress primaryAddress) {

    public VrrpRouterSettings {
        check(isValidInterfaceName(interfaceName), "interfaceName", interfaceName,
                "a Linux interface name: 1..15 bytes, not . or .., without /, :, whitespace or NUL");
        check(vrid >= 1 && vrid <= 255, "vrid", vrid, "1..255");
        check(version != null, "version", null, "V2 or V3");
        check(priority >= 1 && priority <= 255, "priority", priority, "1..254, or 255 for the address owner");
        check(advertInterval != null && !advertInterval.isNegative(), "advertInterval", advertInterval, "a positive duration");
        long ms = advertInterval.toMillis();
        if (version == VrrpVersion.V3) {
            check(ms >= 10 && ms <= 40950 && ms % 10 == 0 && advertInterval.toNanos() % 10_000_000L == 0,
                    "advertInterval", advertInterval, "10 ms..40.95 s in 10 ms steps for VRRPv3");
        } else {
            check(ms >= 1000 && ms <= 255000 && advertInterval.toNanos() % 1_000_000_000L == 0,
                    "advertInterval", advertInterval, "whole seconds 1..255 for VRRPv2");
        }
        if (preemptDelay == null) {
            preemptDelay = Duration.ZERO;
        }
        check(!preemptDelay.isNegative() && preemptDelay.toSeconds() <= 3600, "preemptDelay", preemptDelay, "0..3600 s");
        check(vips != null && !vips.isEmpty() && vips.size() <= 255, "vips", vips, "1..255 addresses");
        IpFamily family = IpFamily.of(vips.get(0));
        for (InetAddress a : vips) {
            check(a != null && family.matches(a), "vips", vips, "addresses of one family");
        }
        check(version == VrrpVersion.V3 || family == IpFamily.IPV4, "version", version, "V3 for IPv6 VIPs (VRRPv2 is IPv4 only)");
        unicastPeers = unicastPeers == null ? List.of() : List.copyOf(unicastPeers);
        for (InetAddress a : unicastPeers) {
            check(family.matches(a), "unicastPeers", unicastPeers, family + " addresses like the VIPs");
        }
        check(new HashSet<>(unicastPeers).size() == unicastPeers.size(), "unicastPeers", unicastPeers, "distinct addresses");
        if (checksumMode == null) {
            checksumMode = ChecksumMode.WITH_PSEUDO_HEADER;
        }
        check(primaryAddress == null || family.matches(primaryAddress), "primaryAddress", primaryAddress,
                family + " address like the VIPs");
        vips = List.copyOf(vips);
    }

    /** Multicast VRRPv3 settings with keepalived-like defaults: preempt on, no delay, pseudo-header checksum. */
    public static VrrpRouterSettings v3(String interfaceName, int vrid, int priority, Duration advertInterval,
                                        List<InetAddress> vips) {
        return new VrrpRouterSettings(interfaceName, vrid, VrrpVersion.V3, priority, advertInterval, true,
                Duration.ZERO, vips, List.of(), ChecksumMode.WITH_PSEUDO_HEADER, null);
    }

    public IpFamily family() {
        return IpFamily.of(vips.get(0));
    }

    public int advertIntervalCentis() {
        return (int) (advertInterval.toMillis() / 10);
    }

    public VrrpRouterSettings withPriority(int p) {
        return new VrrpRouterSettings(interfaceName, vrid, version, p, advertInterval, preempt, preemptDelay, vips,
                unicastPeers, checksumMode, primaryAddress);
    }

    public VrrpRouterSettings withPrimaryAddress(InetAddress a) {
        return new VrrpRouterSettings(interfaceName, vrid, version, priority, advertInterval, preempt, preemptDelay, vips,
                unicastPeers, checksumMode, a);
    }

    public VrrpRouterSettings withPreempt(boolean p, Duration delay) {
        return new VrrpRouterSettings(interfaceName, vrid, version, priority, advertInterval, p, delay, vips,
                unicastPeers, checksumMode, primaryAddress);
    }

    public VrrpRouterSettings withUnicastPeers(List<InetAddress> peers) {
        return new VrrpRouterSettings(interfaceName, vrid, version, priority, advertInterval, preempt, preemptDelay, vips,
                peers, checksumMode, primaryAddress);
    }

    public VrrpRouterSettings withChecksumMode(ChecksumMode m) {
        return new VrrpRouterSettings(interfaceName, vrid, version, priority, advertInterval, preempt, preemptDelay, vips,
                unicastPeers, m, primaryAddress);
    }

    public VrrpRouterSettings withVersion(VrrpVersion v, Duration interval) {
        return new VrrpRouterSettings(interfaceName, vrid, v, priority, interval, preempt, preemptDelay, vips,
                unicastPeers, checksumMode, primaryAddress);
    }

    /**
     * The kernel's rule for a device name (dev_valid_name), checked here because the name reaches
     * if_nametoindex and SO_BINDTODEVICE as a C string: a NUL would silently cut it short.
     */
    static boolean isValidInterfaceName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || c == 0 || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    private static void check(boolean ok, String key, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("VRRP setting " + key + " = " + value + " is invalid; allowed: " + allowed);
        }
    }
}
