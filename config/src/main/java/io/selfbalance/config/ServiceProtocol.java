package io.selfbalance.config;

/** Protocol of an IPVS virtual service. Only TCP: Selfbalance balances Jetty's HTTP connector. */
public enum ServiceProtocol {
    TCP("tcp");

    private final String configValue;

    ServiceProtocol(String configValue) {
        this.configValue = configValue;
    }

    /** @return the configuration spelling */
    public String configValue() {
        return configValue;
    }
}
