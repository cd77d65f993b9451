package io.selfbalance.ipvs.net;

/**
 * How long the kernel keeps an address valid and preferred, in seconds ({@code IFA_CACHEINFO});
 * {@link #FOREVER} means permanent. A finite lifetime makes an address vanish by itself unless it is
 * refreshed, so a crashed holder cannot keep a VIP forever.
 */
public record AddressLifetime(long validSeconds, long preferredSeconds) {
    /** The kernel's "infinity" ({@code INFINITY_LIFE_TIME}). */
    public static final long INFINITE = 0xFFFFFFFFL;
    public static final AddressLifetime FOREVER = new AddressLifetime(INFINITE, INFINITE);

    public AddressLifetime {
        if (validSeconds < 1 || validSeconds > INFINITE) {
            throw new IllegalArgumentException("valid lifetime " + validSeconds + " s outside 1.." + INFINITE);
        }
        if (preferredSeconds < 0 || preferredSeconds > validSeconds) {
            throw new IllegalArgumentException("preferred lifetime " + preferredSeconds
                    + " s must be within 0..valid lifetime " + validSeconds + " s");
        }
    }

    public static AddressLifetime ofSeconds(long seconds) {
        return new AddressLifetime(seconds, seconds);
    }

    public boolean isForever() {
        return validSeconds == INFINITE;
    }
}
