package io.selfbalance.health.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.util.Objects;

/**
 * One peer's health endpoint.
 *
 * @param id a stable name of the peer (for example its node id or address), used as key in results and policies
 * @param address where to connect (an IP address; the probe never resolves names)
 * @param path request target, starting with {@code /}, e.g. {@code /health/ready}
 */
public record PeerTarget(String id, InetSocketAddress address, String path) {

    public PeerTarget {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("peer id: " + (id == null ? "null" : "'" + id + "'") + " is not allowed; use a non-blank name");
        }
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("peer " + id + " address: '" + address.getHostString()
                    + "' is not allowed; use an IP address (probes do not resolve names)");
        }
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("peer " + id + " path: '" + path + "' is not allowed; use an absolute path like /health/ready");
        }
    }

    /**
     * A target from an {@code http://ip:port/path} URL (port 80 when absent).
     *
     * @throws IllegalArgumentException naming the URL and what is allowed
     */
    public static PeerTarget of(String id, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer " + id + " url: '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("peer " + id + " url: '" + url + "' is not allowed; use http://<ip>:<port>/<path>");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/health" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new PeerTarget(id, new InetSocketAddress(ipLiteral(id, url, host), port), path);
    }

    /** Parses an IP literal without ever asking DNS; names are refused. */
    private static InetAddress ipLiteral(String id, String url, String host) {
        String notAllowed = "peer " + id + " url: '" + url + "' is not allowed; the host must be an IP address";
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] b = new byte[4];
            String[] parts = host.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new IllegalArgumentException(notAllowed);
                }
                b[i] = (byte) v;
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(notAllowed, e);
            }
        }
        if (host.contains(":")) {
            try {
                return InetAddress.getByName(host); // a name with ':' is parsed as an IPv6 literal, never resolved
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(notAllowed + " (" + e.getMessage() + ")", e);
            }
        }
        throw new IllegalArgumentException(notAllowed);
    }

    /** The Host header value: address and port, IPv6 in brackets. */
    String hostHeader() {
        String h = address.getAddress().getHostAddress();
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + address.getPort();
    }
}
