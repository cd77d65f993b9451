package io.selfbalance.config;

/** Which local health state makes a master resign mastership (VRRP priority 0). */
public enum ResignOn {
    /** Readiness or liveness DOWN. */
    ANY("any"),
    /** Readiness DOWN only. */
    READINESS("readiness"),
    /** Liveness DOWN only. */
    LIVENESS("liveness"),
    /** Never resign; an unhealthy master keeps balancing and only gives itself weight 0. */
    NEVER("never");

    private final String configValue;

    ResignOn(String configValue) {
        this.configValue = configValue;
    }

    /** @return the configuration spelling */
    public String configValue() {
        return configValue;
    }
}
