package io.selfbalance.ops;

import java.time.Duration;

/** Argument checks shared by the records of this package; messages name the argument, the value and what is allowed. */
final class Checks {
    private Checks() {
    }

    static String name(String argument, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(argument + " = " + quote(value) + " is invalid; allowed: a non-blank name");
        }
        return value;
    }

    static <T> T present(String argument, T value) {
        if (value == null) {
            throw new IllegalArgumentException(argument + " = null is invalid; allowed: a value");
        }
        return value;
    }

    static int range(String argument, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(argument + " = " + value + " is invalid; allowed: " + min + ".." + max);
        }
        return value;
    }

    static long nonNegative(String argument, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(argument + " = " + value + " is invalid; allowed: 0 or more");
        }
        return value;
    }

    /** Null means "not measured" and is allowed; a negative duration never is. */
    static Duration optionalDuration(String argument, Duration value) {
        if (value != null && value.isNegative()) {
            throw new IllegalArgumentException(argument + " = " + value + " is invalid; allowed: null or 0 and more");
        }
        return value;
    }

    static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
