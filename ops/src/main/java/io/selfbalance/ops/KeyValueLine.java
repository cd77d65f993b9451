package io.selfbalance.ops;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds one {@code key=value key=value} log line (the "logfmt" convention that Loki, Vector, Splunk and
 * {@code grep} all read). A value is written bare when it is made of safe characters only, otherwise in double
 * quotes with {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t} and other control characters escaped:
 * a node name or a script's output can never break the line in two or forge another field. A null value is
 * written as {@code -} so that every line of a kind has the same keys in the same order.
 */
public final class KeyValueLine {
    private final StringBuilder line = new StringBuilder(160);

    /** Appends {@code key=value}; {@code key} must be a plain word. */
    public KeyValueLine add(String key, Object value) {
        if (key == null || key.isEmpty() || !key.chars().allMatch(KeyValueLine::isKeyChar)) {
            throw new IllegalArgumentException("key = " + Checks.quote(key) + " is invalid; allowed: [a-z0-9_.]+");
        }
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(key).append('=');
        appendValue(line, value == null ? null : value.toString());
        return this;
    }

    /** Appends {@code key=<milliseconds>} (decimal, up to microseconds, no trailing zeros), or {@code -} if null. */
    public KeyValueLine addMillis(String key, Duration duration) {
        return add(key, duration == null ? null : millis(duration));
    }

    /** Appends {@code key=<ISO-8601 UTC instant>}. */
    public KeyValueLine add(String key, Instant instant) {
        return add(key, (Object) (instant == null ? null : instant.toString()));
    }

    @Override
    public String toString() {
        return line.toString();
    }

    /** A duration in milliseconds: 3012, 14.25, 0.001 (microsecond precision; nanoseconds are noise in a log). */
    static String millis(Duration d) {
        long micros = d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
        BigDecimal ms = BigDecimal.valueOf(micros, 3).stripTrailingZeros();
        return ms.signum() == 0 ? "0" : ms.toPlainString();
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    }

    private static boolean isBareChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == ':' || c == '/' || c == '+' || c == '@' || c == ','
                || c == '[' || c == ']' || c == '%';
    }

    static void appendValue(StringBuilder b, String value) {
        if (value == null) {
            b.append('-');
            return;
        }
        boolean bare = !value.isEmpty() && !value.equals("-");
        for (int i = 0; bare && i < value.length(); i++) {
            bare = isBareChar(value.charAt(i));
        }
        if (bare) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
