package io.selfbalance.config;

/** IPVS forwarding method. Only direct routing: every node holds the VIP and answers clients itself. */
public enum Forwarding {
    DR("dr");

    private final String configValue;

    Forwarding(String configValue) {
        this.configValue = configValue;
    }

    /** @return the configuration spelling */
    public String configValue() {
        return configValue;
    }
}
