package io.selfbalance.ipvs.net;

import java.time.Duration;

/**
 * How to announce an address: {@code repeat} packets {@code delay} apart, and again every
 * {@code refreshPeriod} ({@link Duration#ZERO} = announce once).
 */
public record AnnouncementSettings(int repeat, Duration delay, Duration refreshPeriod) {
    public AnnouncementSettings {
        if (repeat < 1 || repeat > 100) {
            throw new IllegalArgumentException("announcement repeat " + repeat + " outside 1..100");
        }
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("announcement delay " + delay + " must be >= 0");
        }
        if (refreshPeriod == null || refreshPeriod.isNegative()) {
            throw new IllegalArgumentException("announcement refresh period " + refreshPeriod + " must be >= 0 (0 = never)");
        }
        if (!refreshPeriod.isZero() && refreshPeriod.compareTo(delay.multipliedBy(repeat)) < 0) {
            throw new IllegalArgumentException("announcement refresh period " + refreshPeriod
                    + " is shorter than one burst (" + repeat + " x " + delay + ")");
        }
    }
}
