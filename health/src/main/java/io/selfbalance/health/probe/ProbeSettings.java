package io.selfbalance.health.probe;

import java.time.Duration;

/**
 * Settings of the peer probes.
 *
 * @param connectTimeout time allowed for the TCP connection
 * @param readTimeout time allowed from sending the request to the end of the response (a slow-drip answer is an
 *        error too)
 * @param maxResponseBytes largest response body accepted; a bigger one is an ERROR and the connection is closed
 * @param interval time between two probes of one peer (used by {@link PeerMonitor})
 * @param rise consecutive UP results that make a DOWN peer UP
 * @param fall consecutive DOWN/ERROR results that make an UP peer DOWN
 */
public record ProbeSettings(Duration connectTimeout, Duration readTimeout, int maxResponseBytes, Duration interval,
        int rise, int fall) {

    public ProbeSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        requirePositive("interval", interval);
        if (maxResponseBytes < 64 || maxResponseBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxResponseBytes: " + maxResponseBytes + " is not allowed; use 64..16777216");
        }
        if (rise < 1 || rise > 100) {
            throw new IllegalArgumentException("rise: " + rise + " is not allowed; use 1..100");
        }
        if (fall < 1 || fall > 100) {
            throw new IllegalArgumentException("fall: " + fall + " is not allowed; use 1..100");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(name + ": " + d + " is not allowed; use a duration above 0 and at most 10 minutes");
        }
    }

    /** 1 s connect, 2 s read, 64 KiB body, every 2 s, rise 2, fall 3. */
    public static ProbeSettings defaults() {
        return new ProbeSettings(Duration.ofSeconds(1), Duration.ofSeconds(2), 64 * 1024, Duration.ofSeconds(2), 2, 3);
    }

    public ProbeSettings withTimeouts(Duration connect, Duration read) {
        return new ProbeSettings(connect, read, maxResponseBytes, interval, rise, fall);
    }

    public ProbeSettings withMaxResponseBytes(int max) {
        return new ProbeSettings(connectTimeout, readTimeout, max, interval, rise, fall);
    }

    public ProbeSettings withInterval(Duration i) {
        return new ProbeSettings(connectTimeout, readTimeout, maxResponseBytes, i, rise, fall);
    }
}
