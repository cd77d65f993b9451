package io.selfbalance.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Boots Debian's user-mode-linux kernel (which has IPVS, unlike the kernels of the machines this
 * project is built on) as an ordinary process with the host's {@code /} as its root, runs a shell
 * script as root inside it, and returns what the script printed and its exit status.
 *
 * <p>Inside, before the script runs: {@code PATH} is complete, {@code /proc}, {@code /sys} and a
 * fresh tmpfs on {@code /run} are mounted, the kernel modules in {@link #MODULES} are loaded,
 * {@code lo} is up, and the working directory is {@code /}. Everything the script creates
 * (namespaces, bridges, addresses, IPVS services) exists only in the UML kernel: nothing reaches the
 * host's network. The host's files are visible (hostfs), so the script can run the host's JDK with
 * the test class path ({@link #javaCommand}).
 *
 * <p>UML's own exit status says nothing about the init script, so the script's status and output go
 * to files in a host directory that this class reads back. A kernel that cannot boot is an error,
 * never a silent skip.
 */
public final class UmlKernel {

    /** Kernel modules loaded before the script runs. */
    public static final List<String> MODULES = List.of(
            "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_sh", "ip_vs_mh",
            "veth", "bridge", "af_packet");

    /** Debian packages the lab needs; {@link #ensurePackages()} installs the missing ones. */
    public static final List<String[]> PACKAGES = List.of(
            new String[] {"/usr/bin/linux.uml", "user-mode-linux"},
            new String[] {"/usr/sbin/modprobe", "kmod"},
            new String[] {"/usr/sbin/ipvsadm", "ipvsadm"},
            new String[] {"/usr/sbin/ip", "iproute2"},
            new String[] {"/usr/bin/curl", "curl"});

    private UmlKernel() {}

    /** The outcome of one boot: the script's exit status and everything it printed (stdout + stderr). */
    public record Result(int exitCode, String output) {
        /** Throws with the whole output when the script did not exit 0. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("script inside user-mode-linux exited " + exitCode + ":\n" + output);
            }
            return this;
        }

        /** Lines of output that start with {@code prefix}, with the prefix removed. */
        public List<String> linesStartingWith(String prefix) {
            List<String> out = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.startsWith(prefix)) {
                    out.add(line.substring(prefix.length()));
                }
            }
            return out;
        }
    }

    /** Raised when user-mode-linux cannot be booted here; tests must fail on it, not skip. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message);
        }
    }

    /** Installs the missing lab packages when root; otherwise explains exactly what to install. */
    public static synchronized void ensurePackages() {
        List<String> missing = new ArrayList<>();
        for (String[] p : PACKAGES) {
            if (!Files.isExecutable(Path.of(p[0]))) {
                missing.add(p[1]);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UnavailableException("user-mode-linux lab needs packages " + missing
                    + "; as root run: apt-get update && apt-get install -y " + String.join(" ", missing));
        }
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
        cmd.addAll(missing);
        int rc = exec(List.of("apt-get", "update", "-qq"), Duration.ofMinutes(5));
        if (rc == 0) {
            rc = exec(cmd, Duration.ofMinutes(10));
        }
        if (rc != 0) {
            throw new UnavailableException("could not install " + missing + " (apt-get exited " + rc + ")");
        }
    }

    private static int exec(List<String> cmd, Duration timeout) {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The UML kernel version whose modules are installed, e.g. {@code 6.1.0-...-uml}. */
    public static String moduleVersion() {
        Path dir = Path.of("/usr/lib/uml/modules");
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted(Comparator.reverseOrder()).findFirst()
                    .orElseThrow(() -> new UnavailableException("no kernel modules under " + dir));
        } catch (IOException e) {
            throw new UnavailableException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    /** Boots UML with 1 GiB of memory and runs {@code script} (bash) inside; bounded by {@code timeout}. */
    public static Result run(String script, Duration timeout) {
        return run(script, timeout, 1024);
    }

    /** Boots UML with {@code memoryMiB} of memory and runs {@code script} (bash) inside. */
    public static Result run(String script, Duration timeout, int memoryMiB) {
        ensurePackages();
        String kver = moduleVersion();
        Path work;
        try {
            work = Files.createTempDirectory("uml-");
            Path body = work.resolve("body.sh");
            Files.writeString(body, script, StandardCharsets.UTF_8);
            Path init = work.resolve("init");
            Files.writeString(init, initScript(work, kver), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(body, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> cmd = List.of("timeout", "--kill-after=10", Long.toString(timeout.toSeconds() + 20),
                    "/usr/bin/linux.uml", "mem=" + memoryMiB + "M", "rootfstype=hostfs", "rw",
                    "init=" + work.resolve("init"), "con=null", "con0=null,fd:1");
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(work.resolve("console").toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(timeout.toSeconds() + 40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Path rc = work.resolve("rc");
            Path out = work.resolve("out");
            String output = Files.exists(out) ? Files.readString(out) : "";
            if (!Files.exists(rc)) {
                String console = Files.exists(work.resolve("console")) ? Files.readString(work.resolve("console")) : "";
                String tail = console.length() > 4000 ? console.substring(console.length() - 4000) : console;
                if (!Files.exists(work.resolve("started"))) {
                    throw new UnavailableException("user-mode-linux did not boot (no init ran); console:\n" + tail);
                }
                return new Result(124, output + "\n[uml] script did not finish within " + timeout
                        + " (killed)\n[uml console tail]\n" + tail);
            }
            return new Result(Integer.parseInt(Files.readString(rc).trim()), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while user-mode-linux ran", e);
        } finally {
            deleteTree(work);
        }
    }

    private static String initScript(Path work, String kver) {
        return "#!/bin/sh\n"
                + "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
                + "export HOME=/root LANG=C.UTF-8\n"
                + "touch " + work + "/started\n"
                + "exec >" + work + "/out 2>&1\n"
                + "mount -t proc proc /proc\n"
                + "mount -t sysfs sys /sys\n"
                + "mount -t tmpfs tmpfs /run\n"
                + "mkdir -p /run/lib/modules /run/netns\n"
                + "mount -t hostfs -o /usr/lib/uml/modules hostfs /run/lib/modules\n"
                + "for m in " + String.join(" ", MODULES) + "; do modprobe -d /run -S " + kver + " $m 2>/dev/null; done\n"
                + "ip link set lo up\n"
                + "cd /\n"
                + "/bin/bash " + work + "/body.sh\n"
                + "echo $? >" + work + "/rc.tmp && mv " + work + "/rc.tmp " + work + "/rc\n"
                + "sync\n"
                + "halt -f\n";
    }

    /**
     * A shell command that starts the host's JDK inside UML with this JVM's class path, running
     * {@code mainClass} with {@code args} (each single-quoted).
     */
    public static String javaCommand(Class<?> mainClass, String... args) {
        StringBuilder sb = new StringBuilder();
        sb.append(quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()))
                .append(" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp ")
                .append(quote(absoluteClassPath(System.getProperty("java.class.path"))))
                .append(' ').append(quote(mainClass.getName()));
        for (String a : args) {
            sb.append(' ').append(quote(a));
        }
        return sb.toString();
    }

    /**
     * The class path with every entry made absolute: the script inside UML runs with {@code /} as its
     * working directory, so a relative entry (as in {@code java -cp ipvs/target/classes ...}) would not resolve.
     */
    public static String absoluteClassPath(String classPath) {
        StringBuilder sb = new StringBuilder();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(java.io.File.pathSeparatorChar);
            }
            sb.append(Path.of(entry).toAbsolutePath().normalize());
        }
        return sb.toString();
    }

    /** Single-quotes {@code s} for a POSIX shell. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
