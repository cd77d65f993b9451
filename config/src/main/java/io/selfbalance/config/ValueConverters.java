package io.selfbalance.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The converters {@link SelfbalanceConfigLoader} registers so that every bad value fails with a message
 * saying what is allowed (SmallRye's generic ones only say "cannot convert"), and so that addresses are
 * parsed as literals: SmallRye's implicit {@code InetAddress} conversion would do DNS lookups.
 */
final class ValueConverters {

    private ValueConverters() {
    }

    static final Converter<Integer> INTEGER = value -> {
        String text = value.trim();
        if (text.isEmpty()) {
            return null;
        }
        if (!text.matches("[+-]?[0-9]{1,10}")) {
            throw new IllegalArgumentException("not a whole number");
        }
        long parsed = Long.parseLong(text);
        if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a whole number in range");
        }
        return (int) parsed;
    };

    static final Converter<Boolean> BOOLEAN = value -> {
        String text = value.trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    };

    static final Converter<InetAddress> INET_ADDRESS = value -> {
        String text = value.trim();
        return text.isEmpty() ? null : IpAddresses.parseLiteral(text);
    };

    static final Converter<IpPrefix> IP_PREFIX = value -> {
        String text = value.trim();
        return text.isEmpty() ? null : IpPrefix.parse(text);
    };

    static final Converter<URI> HTTP_URI = value -> {
        String text = value.trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute http:// URL, e.g. http://192.168.77.11:8080/health/ready");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an absolute http:// URL, e.g. http://192.168.77.11:8080/health/ready");
        }
    };

    static final Converter<V3Checksum> V3_CHECKSUM = enumConverter(V3Checksum.values(), V3Checksum::configValue);
    static final Converter<ServiceProtocol> SERVICE_PROTOCOL = enumConverter(ServiceProtocol.values(), ServiceProtocol::configValue);
    static final Converter<Forwarding> FORWARDING = enumConverter(Forwarding.values(), Forwarding::configValue);
    static final Converter<ResignOn> RESIGN_ON = enumConverter(ResignOn.values(), ResignOn::configValue);

    private static <E extends Enum<E>> Converter<E> enumConverter(E[] values, Function<E, String> spelling) {
        String allowed = Arrays.stream(values).map(spelling).collect(Collectors.joining(" or "));
        String message = values.length == 1 ? "must be " + allowed + " (the only one supported)" : "must be " + allowed;
        return value -> {
            String text = value.trim();
            if (text.isEmpty()) {
                return null;
            }
            for (E candidate : values) {
                if (spelling.apply(candidate).equalsIgnoreCase(text)) {
                    return candidate;
                }
            }
            throw new IllegalArgumentException(message);
        };
    }
}
