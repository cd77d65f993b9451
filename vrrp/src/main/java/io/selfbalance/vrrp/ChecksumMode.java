package io.selfbalance.vrrp;

/**
 * How the checksum of a VRRPv3 advertisement over IPv4 is computed. VRRPv2 always covers the
 * message only; VRRPv3 over IPv6 always includes the RFC 8200 pseudo-header. On receive both IPv4
 * forms are accepted whatever is configured for sending.
 */
public enum ChecksumMode {
    /** RFC 5798 as implemented by keepalived (its default): message plus the IPv4 pseudo-header. */
    WITH_PSEUDO_HEADER,
    /** RFC 9568: the VRRP message only, like VRRPv2. */
    MESSAGE_ONLY
}
