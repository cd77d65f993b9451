package io.selfbalance.vrrp;

/**
 * Why a received packet was dropped. Constants are declared in the order the receive path checks
 * them; the first failing check names the reason. The order is the one of the project's issue:
 * length, TTL, version as keepalived 2.2 (vrrp_check_packet) does them; keepalived then checks the
 * v2 auth type and interval before the type, and the address count before the checksum, and finds
 * the VRID before all of these (it dispatches on it); either way each packet has one reason.
 */
public enum DropReason {
    /** Not an IP protocol 112 packet of this router's family, or an IP header that cannot be read. */
    NOT_VRRP,
    /** Shorter than the VRRP header, or than the address list (and v2 authentication data) it announces. Longer (padding) is fine up to the largest message 255 addresses make; beyond that it is oversized. */
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
