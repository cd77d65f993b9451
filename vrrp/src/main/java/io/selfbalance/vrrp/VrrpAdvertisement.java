package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.List;

/**
 * One VRRP advertisement, version-neutral and immutable. The interval is kept in centiseconds for
 * both versions: VRRPv2 carries whole seconds on the wire, so a v2 advertisement's interval is a
 * multiple of 100.
 *
 * @param version        protocol version
 * @param family         IPv4 or IPv6 (VRRPv2 is IPv4 only)
 * @param vrid           virtual router id, 1..255
 * @param priority       0 (resigning master) .. 255 (address owner)
 * @param intervalCentis v3: Max Adver Int, 1..4095 cs; v2: Adver Int seconds * 100, 100..25500
 * @param authType       v2 authentication type; always {@link AuthType#NONE} for v3
 * @param addresses      the virtual addresses, 1..255 of {@code family}
 */
public record VrrpAdvertisement(VrrpVersion version, IpFamily family, int vrid, int priority, int intervalCentis,
                                AuthType authType, List<InetAddress> addresses) {

    public VrrpAdvertisement {
        require(version != null, "version", null, "V2 or V3");
        require(family != null, "family", null, "IPV4 or IPV6");
        require(version != VrrpVersion.V2 || family == IpFamily.IPV4, "family", family, "IPV4 for VRRPv2");
        require(vrid >= 1 && vrid <= 255, "vrid", vrid, "1..255");
        require(priority >= 0 && priority <= 255, "priority", priority, "0..255");
        if (version == VrrpVersion.V3) {
            require(intervalCentis >= 1 && intervalCentis <= 4095, "intervalCentis", intervalCentis, "1..4095 for VRRPv3");
            require(authType == null || authType == AuthType.NONE, "authType", authType, "NONE for VRRPv3");
            authType = AuthType.NONE;
        } else {
            require(intervalCentis >= 100 && intervalCentis <= 25500 && intervalCentis % 100 == 0,
                    "intervalCentis", intervalCentis, "whole seconds 1..255 (100..25500 cs) for VRRPv2");
            require(authType != null, "authType", null, "an AuthType for VRRPv2");
        }
        require(addresses != null && !addresses.isEmpty() && addresses.size() <= 255,
                "addresses", addresses, "1..255 addresses");
        for (InetAddress a : addresses) {
            require(a != null && family.matches(a), "addresses", addresses, "only " + family + " addresses");
        }
        addresses = List.copyOf(addresses);
    }

    /** A VRRPv3 advertisement. */
    public static VrrpAdvertisement v3(IpFamily family, int vrid, int priority, int intervalCentis, List<InetAddress> addresses) {
        return new VrrpAdvertisement(VrrpVersion.V3, family, vrid, priority, intervalCentis, AuthType.NONE, addresses);
    }

    /** A VRRPv2 advertisement (IPv4, no authentication). */
    public static VrrpAdvertisement v2(int vrid, int priority, int intervalSeconds, List<InetAddress> addresses) {
        return new VrrpAdvertisement(VrrpVersion.V2, IpFamily.IPV4, vrid, priority, intervalSeconds * 100,
                AuthType.NONE, addresses);
    }

    /** The same advertisement with another priority. */
    public VrrpAdvertisement withPriority(int newPriority) {
        return new VrrpAdvertisement(version, family, vrid, newPriority, intervalCentis, authType, addresses);
    }

    static void require(boolean ok, String name, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(name + " = " + value + " is invalid; allowed: " + allowed);
        }
    }
}
