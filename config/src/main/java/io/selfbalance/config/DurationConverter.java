package io.selfbalance.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Durations as people write them in ini files: a non-negative number with a unit {@code ms}, {@code s},
 * {@code m} or {@code h} ({@code 100ms}, {@code 1s}, {@code 1.5s}, {@code 2m}, {@code 1h}), or
 * ISO-8601 ({@code PT1.5S}). SmallRye's built-in conversion only takes ISO-8601, so {@code 1s} would
 * fail there; {@link SelfbalanceConfigLoader} registers this one above it.
 */
public final class DurationConverter implements Converter<Duration> {

    /** What the error messages tell the user; also used by the README. */
    public static final String ALLOWED = "use a number with unit ms, s, m or h (e.g. 100ms, 1s, 2m, 1h) or ISO-8601 (e.g. PT1.5S)";

    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        String text = value.trim();
        if (text.isEmpty()) {
            return null; // SmallRye treats empty as "not set"
        }
        return parse(text);
    }

    /**
     * @throws IllegalArgumentException naming the allowed forms
     */
    public static Duration parse(String text) {
        Matcher m = WITH_UNIT.matcher(text.trim());
        if (m.matches()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            BigDecimal nanosPerUnit = switch (m.group(2)) {
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            BigDecimal nanos = amount.multiply(nanosPerUnit);
            if (nanos.stripTrailingZeros().scale() > 0 || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("not a duration; " + ALLOWED);
            }
            return Duration.ofNanos(nanos.longValueExact());
        }
        if (text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(text);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("not a duration; " + ALLOWED);
    }

    /** Short text in the form {@link #parse} accepts: {@code 0s}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 3_600_000_000_000L == 0) {
            return (nanos / 3_600_000_000_000L) + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return (nanos / 60_000_000_000L) + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return (nanos / 1_000_000_000L) + "s";
        }
        if (nanos % 1_000_000L == 0 && nanos < 1_000_000_000L) {
            return (nanos / 1_000_000L) + "ms";
        }
        return BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros().toPlainString() + "s";
    }
}
