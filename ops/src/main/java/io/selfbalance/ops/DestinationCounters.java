package io.selfbalance.ops;

/**
 * The kernel's connection counts for one IPVS real server (destination) of one service, as the last IPVS dump
 * returned them (the same numbers {@code ipvsadm -Ln} shows as ActiveConn / InActConn).
 *
 * @param service the service as shown to operators, e.g. {@code tcp 192.168.77.254:8080} or its configured name
 * @param destination the real server, e.g. {@code 192.168.77.11:8080}
 * @param weight the weight the kernel has for it
 * @param activeConnections connections in ESTABLISHED state
 * @param inactiveConnections connections in any other state (e.g. FIN_WAIT, TIME_WAIT)
 */
public record DestinationCounters(String service, String destination, int weight, long activeConnections,
                                  long inactiveConnections) {
    public DestinationCounters {
        Checks.name("service", service);
        Checks.name("destination", destination);
        Checks.range("weight", weight, 0, 65535);
        Checks.nonNegative("activeConnections", activeConnections);
        Checks.nonNegative("inactiveConnections", inactiveConnections);
    }
}
