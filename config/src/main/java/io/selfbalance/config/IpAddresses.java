package io.selfbalance.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parsing and printing IP address literals without ever doing a name lookup. */
public final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddresses() {
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal. Host names are rejected rather than resolved:
     * configuration must not depend on DNS answers at start time. Zone ids ({@code %eth0}) are
     * rejected because the interface is configured separately.
     *
     * @throws IllegalArgumentException if the text is not an address literal
     */
    public static InetAddress parseLiteral(String text) {
        String s = text.trim();
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = !v4 && s.indexOf(':') >= 0 && IPV6.matcher(s).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP address literal; write e.g. 192.168.77.11 or fd77::11");
        }
        try {
            // A literal never triggers a lookup: getByName only resolves names.
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal; write e.g. 192.168.77.11 or fd77::11");
        }
    }

    /** Text form without a leading slash or host name; IPv6 in the compressed form {@code fd77::11}. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            return compressIpv6(address.getAddress());
        }
        return address.getHostAddress();
    }

    /** Form used inside URLs: IPv6 in brackets. */
    public static String formatForUrl(InetAddress address) {
        return address instanceof Inet6Address ? "[" + format(address) + "]" : format(address);
    }

    // RFC 5952: lower case, longest run (>= 2) of zero groups replaced by "::", first such run on ties.
    private static String compressIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength && i - start >= 2) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
