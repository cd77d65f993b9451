package io.selfbalance.config;

/**
 * How VRRPv3 over IPv4 computes the checksum of the advertisements this node sends. RFC 5798 defined
 * it over the message plus an IPv4 pseudo-header; RFC 9568 (which obsoletes 5798) says the message
 * only. keepalived sends the RFC 5798 form by default, so that is our default for interoperability.
 */
public enum V3Checksum {
    /** Message plus IPv4 pseudo-header (keepalived's default). */
    RFC5798("rfc5798"),
    /** The VRRP message only. */
    RFC9568("rfc9568");

    private final String configValue;

    V3Checksum(String configValue) {
        this.configValue = configValue;
    }

    /** @return the configuration spelling */
    public String configValue() {
        return configValue;
    }
}
