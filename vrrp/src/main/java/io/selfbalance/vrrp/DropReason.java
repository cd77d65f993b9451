package io.selfbalance.vrrp;

/**
 * Why a received packet was dropped. Constants are declared in the order the receive path checks
 * them (the order keepalived's vrrp_check_packet uses): the first failing check names the reason.
 */
public enum DropReason {
    /** Not an IP protocol 112 packet of this router's family, or an IP header that cannot be read. */
    NOT_VRRP,
    /** Shorter than the VRRP header, or than the address list (and v2 authentication data) it announces. Longer (Ethernet padding) is fine. */
    LENGTH,
    /** IPv4 TTL / IPv6 hop limit not 255 in multicast mode (the packet may have crossed a router). */
    TTL,
    /** Version nibble differs from the configured version. */
    VERSION,
    /** Type nibble is not 1 (advertisement). */
    TYPE,
    /** Checksum does not verify (for v3 IPv4: neither with nor without the pseudo-header). */
    CHECKSUM,
    /** The VRID is not the one this router is configured with. */
    UNKNOWN_VRID,
    /** The advertisement lists no address. */
    NO_ADDRESSES,
    /** VRRPv2: authentication type differs from ours. */
    AUTH_TYPE,
    /** VRRPv2: advertisement interval differs from ours. */
    INTERVAL,
    /** Unicast mode: the source address is not in the configured peer list. */
    UNKNOWN_UNICAST_SOURCE
}
