package io.selfbalance.ipvs.net;

import java.nio.file.Path;

/**
 * The ARP sysctls a direct-routing node needs ({@code net.ipv4.conf.{all,IF}.arp_ignore} and
 * {@code arp_announce}), through {@code /proc/sys} files: read them, set them (returning what was
 * there, to restore on shutdown), restore them. The kernel uses the larger of {@code all} and the
 * interface's value, so both are set.
 */
public final class ArpSysctls {
    /** Do not answer ARP for addresses configured with host scope (the VIP on lo). */
    public static final int DR_ARP_IGNORE = 3;
    /** Always use the best local address as ARP source, never the VIP. */
    public static final int DR_ARP_ANNOUNCE = 2;

    private final Path confDir;

    public ArpSysctls() {
        this(Path.of("/proc/sys/net/ipv4/conf"));
    }

    /** {@code confDir} stands for {@code /proc/sys/net/ipv4/conf} (tests point it elsewhere). */
    public ArpSysctls(Path confDir) {
        this.confDir = confDir;
    }

    /** The four values for {@code interfaceName}. */
    public record Settings(String interfaceName, int allArpIgnore, int allArpAnnounce,
                           int interfaceArpIgnore, int interfaceArpAnnounce) {}

    public Settings read(String interfaceName) {
        checkName(interfaceName);
        return new Settings(interfaceName, get("all", "arp_ignore"), get("all", "arp_announce"),
                get(interfaceName, "arp_ignore"), get(interfaceName, "arp_announce"));
    }

    /** Sets arp_ignore/arp_announce on {@code all} and the interface; returns the previous settings. */
    public Settings apply(String interfaceName, int arpIgnore, int arpAnnounce) {
        if (arpIgnore < 0 || arpIgnore > 8 || (arpIgnore > 3 && arpIgnore < 8)) {
            throw new IllegalArgumentException("arp_ignore " + arpIgnore + " not allowed; the kernel accepts 0, 1, 2, 3 or 8");
        }
        if (arpAnnounce < 0 || arpAnnounce > 2) {
            throw new IllegalArgumentException("arp_announce " + arpAnnounce + " not allowed; the kernel accepts 0, 1 or 2");
        }
        Settings previous = read(interfaceName);
        set("all", "arp_ignore", arpIgnore);
        set("all", "arp_announce", arpAnnounce);
        set(interfaceName, "arp_ignore", arpIgnore);
        set(interfaceName, "arp_announce", arpAnnounce);
        return previous;
    }

    /** {@link #DR_ARP_IGNORE} / {@link #DR_ARP_ANNOUNCE}; returns the previous settings. */
    public Settings applyDirectRouting(String interfaceName) {
        return apply(interfaceName, DR_ARP_IGNORE, DR_ARP_ANNOUNCE);
    }

    /** Puts back what {@link #apply} returned. */
    public void restore(Settings previous) {
        set(previous.interfaceName(), "arp_ignore", previous.interfaceArpIgnore());
        set(previous.interfaceName(), "arp_announce", previous.interfaceArpAnnounce());
        set("all", "arp_ignore", previous.allArpIgnore());
        set("all", "arp_announce", previous.allArpAnnounce());
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1-15 characters without '/'");
        }
    }

    private Path file(String scope, String key) {
        return confDir.resolve(scope).resolve(key);
    }

    private static String sysctlName(String scope, String key) {
        return "net.ipv4.conf." + scope + "." + key;
    }

    private int get(String scope, String key) {
        return SysctlFile.read(file(scope, key), sysctlName(scope, key), missing(scope, file(scope, key)));
    }

    private void set(String scope, String key, int value) {
        SysctlFile.write(file(scope, key), sysctlName(scope, key), value, missing(scope, file(scope, key)));
    }

    private String missing(String scope, Path f) {
        return "all".equals(scope) ? "no IPv4 ARP settings at " + f.getParent() + " (is /proc mounted?)"
                : "network interface '" + scope + "' has no IPv4 settings (" + f.getParent() + " missing): it does not exist in this network namespace";
    }

    /** A sysctl could not be read or written; the message names it, the value and why. */
    public static final class SysctlException extends RuntimeException {
        public SysctlException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
