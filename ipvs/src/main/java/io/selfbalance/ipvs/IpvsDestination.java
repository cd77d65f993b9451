package io.selfbalance.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server behind a virtual service.
 *
 * @param address        real server address
 * @param port           real server port 0..65535
 * @param forwarding     forwarding method
 * @param weight         scheduling weight, 0 = no new connections
 * @param upperThreshold upper connection threshold, 0 = none
 * @param lowerThreshold lower connection threshold, 0 = none
 * @param counters       what the kernel counted, when read from the kernel; null in a desired table
 */
public record IpvsDestination(InetAddress address, int port, Forwarding forwarding, int weight,
                              int upperThreshold, int lowerThreshold, Counters counters) {

    public IpvsDestination {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("destination port " + port + " outside 0..65535");
        }
        if (weight < 0) {
            throw new IllegalArgumentException("weight " + weight + " must be >= 0");
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("thresholds must be >= 0, got upper " + upperThreshold
                    + " lower " + lowerThreshold);
        }
    }

    /** A direct-routing destination without thresholds. */
    public static IpvsDestination directRoute(InetAddress address, int port, int weight) {
        return new IpvsDestination(address, port, Forwarding.DIRECT_ROUTE, weight, 0, 0, null);
    }

    public IpvsDestination withWeight(int w) {
        return new IpvsDestination(address, port, forwarding, w, upperThreshold, lowerThreshold, counters);
    }

    /** Without the kernel's counters: the settings only. */
    public IpvsDestination settings() {
        return counters == null ? this : new IpvsDestination(address, port, forwarding, weight, upperThreshold, lowerThreshold, null);
    }

    public Key key() {
        return new Key(address, port);
    }

    public boolean sameSettings(IpvsDestination o) {
        return forwarding == o.forwarding && weight == o.weight && upperThreshold == o.upperThreshold
                && lowerThreshold == o.lowerThreshold;
    }

    @Override
    public String toString() {
        return key() + " " + forwarding + " weight " + weight
                + (upperThreshold != 0 || lowerThreshold != 0 ? " thresholds " + lowerThreshold + ".." + upperThreshold : "");
    }

    /** What identifies a destination within its service. */
    public record Key(InetAddress address, int port) {
        @Override
        public String toString() {
            String a = Addresses.format(address);
            return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
        }
    }

    /** Connection counts and traffic statistics the kernel keeps for a destination. */
    public record Counters(long activeConnections, long inactiveConnections, long persistentConnections, IpvsStats stats) {}
}
