package io.selfbalance.ipvs.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        Path f = file(scope, key);
        try {
            return Integer.parseInt(Files.readString(f, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new SysctlException(missing(scope, f), e);
        } catch (IOException e) {
            throw new SysctlException("cannot read " + sysctlName(scope, key) + " (" + f + "): " + reason(e), e);
        } catch (NumberFormatException e) {
            throw new SysctlException(sysctlName(scope, key) + " (" + f + ") does not hold a number", e);
        }
    }

    private void set(String scope, String key, int value) {
        Path f = file(scope, key);
        try {
            Files.writeString(f, value + "\n", StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SysctlException(missing(scope, f), e);
        } catch (IOException e) {
            throw new SysctlException("cannot set " + sysctlName(scope, key) + " to " + value + " (" + f + "): "
                    + reason(e) + "; it needs root (CAP_NET_ADMIN) in this network namespace and a writable /proc/sys", e);
        }
    }

    private String missing(String scope, Path f) {
        return "all".equals(scope) ? "no IPv4 ARP settings at " + f.getParent() + " (is /proc mounted?)"
                : "network interface '" + scope + "' has no IPv4 settings (" + f.getParent() + " missing): it does not exist in this network namespace";
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return String.valueOf(e.getMessage());
    }

    /** A sysctl could not be read or written; the message names it, the value and why. */
    public static final class SysctlException extends RuntimeException {
        public SysctlException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
