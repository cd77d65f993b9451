package io.selfbalance.ipvs.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** One integer sysctl under {@code /proc/sys}, read and written with errors that name it, the value and why. */
final class SysctlFile {
    private SysctlFile() {}

    /**
     * @param name the sysctl's dotted name, for messages ({@code net.ipv4.vs.conn_reuse_mode})
     * @param whenMissing the message when the file does not exist (what that means for this setting)
     */
    static int read(Path file, String name, String whenMissing) {
        try {
            return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new ArpSysctls.SysctlException(whenMissing, e);
        } catch (IOException e) {
            throw new ArpSysctls.SysctlException("cannot read " + name + " (" + file + "): " + reason(e), e);
        } catch (NumberFormatException e) {
            throw new ArpSysctls.SysctlException(name + " (" + file + ") does not hold a number", e);
        }
    }

    static void write(Path file, String name, int value, String whenMissing) {
        try {
            Files.writeString(file, value + "\n", StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ArpSysctls.SysctlException(whenMissing, e);
        } catch (IOException e) {
            throw new ArpSysctls.SysctlException("cannot set " + name + " to " + value + " (" + file + "): "
                    + reason(e) + "; it needs root (CAP_NET_ADMIN) in this network namespace and a writable /proc/sys", e);
        }
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
}
