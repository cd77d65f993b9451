package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.Set;

/**
 * What a virtual router accepts on receive; the configured side of the validation checks.
 *
 * @param version       the configured version, or {@code null} to accept either
 * @param family        the configured family
 * @param vrid          the configured VRID, or 0 to accept any
 * @param unicastPeers  unicast mode when non-empty: only these sources are accepted and TTL is not checked
 * @param v2AuthType    VRRPv2: the configured authentication type ({@code null}: not checked)
 * @param v2IntervalCentis VRRPv2: the configured interval in centiseconds (0: not checked)
 */
public record ReceivePolicy(VrrpVersion version, IpFamily family, int vrid, Set<InetAddress> unicastPeers,
                            AuthType v2AuthType, int v2IntervalCentis) {
    public ReceivePolicy {
        unicastPeers = Set.copyOf(unicastPeers == null ? Set.of() : unicastPeers);
    }

    /** Accepts any well-formed multicast advertisement of {@code family} (used to inspect captures). */
    public static ReceivePolicy any(IpFamily family) {
        return new ReceivePolicy(null, family, 0, Set.of(), null, 0);
    }

    /** The policy of a router configured with {@code s}. */
    public static ReceivePolicy of(VrrpRouterSettings s) {
        return new ReceivePolicy(s.version(), s.family(), s.vrid(), Set.copyOf(s.unicastPeers()),
                s.version() == VrrpVersion.V2 ? AuthType.NONE : null,
                s.version() == VrrpVersion.V2 ? s.advertIntervalCentis() : 0);
    }

    public boolean unicast() {
        return !unicastPeers.isEmpty();
    }
}
