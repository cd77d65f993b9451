package io.selfbalance.health;

/** The three kinds of MicroProfile Health procedures, with the path segment of each under {@code /health}. */
public enum HealthKind {
    LIVENESS("live"),
    READINESS("ready"),
    STARTUP("started");

    private final String pathSegment;

    HealthKind(String pathSegment) {
        this.pathSegment = pathSegment;
    }

    /** {@code live}, {@code ready} or {@code started}: the endpoint is {@code /health/<segment>}. */
    public String pathSegment() {
        return pathSegment;
    }

    /** The kind whose endpoint is {@code /health/<segment>}, or {@code null} for any other segment. */
    public static HealthKind fromPathSegment(String segment) {
        for (HealthKind k : values()) {
            if (k.pathSegment.equals(segment)) {
                return k;
            }
        }
        return null;
    }
}
