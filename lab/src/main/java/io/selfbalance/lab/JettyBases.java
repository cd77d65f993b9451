package io.selfbalance.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Prepares the nodes' Jetty installations on the host (file-heavy work is slow inside user-mode-linux):
 * unpacks the real jetty-home, and for every node creates a jetty.base the way an operator would —
 * the selfbalance overlay unpacked into it, {@code java -jar start.jar --add-modules=http,ee10-deploy,selfbalance},
 * the demo WAR as the root webapp, the node's settings appended to {@code start.d/selfbalance.ini} — and
 * records the JVM command line that {@code start.jar --dry-run} resolves, so the lab can start (and
 * kill -9) exactly one JVM per node.
 */
final class JettyBases {

    static final String JETTY_VERSION = "12.1.12";
    static final String COMMAND_FILE = "lab-command";

    /** What {@code prepare} found in the distribution directory. */
    record Dist(Path jettyHomeTarGz, Path demoWar, Optional<Path> overlay) {}

    private JettyBases() {}

    /** Finds jetty-home, the demo WAR and (if built) the selfbalance overlay in {@code dist}. */
    static Dist find(Path dist) {
        Path home = dist.resolve("jetty-home-" + JETTY_VERSION + ".tar.gz");
        if (!Files.isRegularFile(home)) {
            throw new IllegalStateException("missing " + home + " (org.eclipse.jetty:jetty-home:" + JETTY_VERSION
                    + ":tar.gz; 'mvn -B install -DskipTests' copies it there)");
        }
        Path war = first(dist, "selfbalance-demo-webapp", ".war")
                .orElseThrow(() -> new IllegalStateException("missing the demo WAR in " + dist
                        + " ('mvn -B install -DskipTests' copies demo-webapp/target/*.war there)"));
        Optional<Path> overlay = first(dist, "selfbalance-jetty-module", ".tar.gz")
                .or(() -> first(dist, "selfbalance-jetty-module", ".zip"));
        return new Dist(home, war, overlay);
    }

    private static Optional<Path> first(Path dir, String prefix, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix))
                    .sorted().findFirst();
        } catch (IOException e) {
            throw Sh.io("cannot list " + dir, e);
        }
    }

    /** Creates {@code work/jetty-home} and one base per node under {@code work/<node>}. */
    static void prepare(LabSettings s, Dist dist, Path work, java.io.PrintStream log) {
        prepare(s, dist, work, log, List.of());
    }

    /**
     * As {@link #prepare(LabSettings, Dist, Path, java.io.PrintStream)}, with {@code extraIni} ({@code key=value}
     * lines) added to every node's {@code start.d/selfbalance.ini} after the lab's own, before the command line is
     * resolved (the bench's {@code --node-ini}, e.g. to compare a setting with its default).
     */
    static void prepare(LabSettings s, Dist dist, Path work, java.io.PrintStream log, List<String> extraIni) {
        if (work.toString().matches(".*[\\s'\"\\\\$].*")) {
            throw new IllegalArgumentException("--work '" + work + "' must not contain spaces, quotes, '$' or '\\'");
        }
        Path home = work.resolve("jetty-home-" + JETTY_VERSION);
        try {
            Files.createDirectories(work);
            if (!Files.isRegularFile(home.resolve("start.jar"))) {
                Sh.must("tar", "-xzf", dist.jettyHomeTarGz().toString(), "-C", work.toString());
            }
            if (!Files.isRegularFile(home.resolve("start.jar"))) {
                throw new IllegalStateException(dist.jettyHomeTarGz() + " did not unpack to " + home);
            }
            for (int i = 0; i < s.nodes(); i++) {
                Path base = work.resolve(s.name(i));
                deleteTree(base);
                Files.createDirectories(base);
                List<String> modules = new ArrayList<>(List.of("http", "ee10-deploy"));
                if (dist.overlay().isPresent()) {
                    unpack(dist.overlay().get(), base);
                    modules.add("selfbalance");
                }
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                Sh.Out added = Sh.run(120_000, java, "-jar", home.resolve("start.jar").toString(),
                        "jetty.home=" + home, "jetty.base=" + base, "--add-modules=" + String.join(",", modules));
                if (!added.ok()) {
                    throw new IllegalStateException("start.jar --add-modules=" + String.join(",", modules) + " failed in "
                            + base + ":\n" + added.text());
                }
                // a demo node needs few threads (Jetty's defaults: 10..200 and reserved threads); inside
                // user-mode-linux every thread switch is a trapped host context switch
                appendProperties(base.resolve("start.d/http.ini"), List.of("jetty.http.port=" + s.port(),
                        "jetty.threadPool.minThreads=4", "jetty.threadPool.maxThreads=64", "jetty.threadPool.reservedThreads=0"));
                if (dist.overlay().isPresent()) {
                    List<String> ini = new ArrayList<>(NodeIni.lines(s, i));
                    ini.addAll(extraIni);
                    appendProperties(base.resolve("start.d/selfbalance.ini"), ini);
                }
                explodeWar(dist.demoWar(), base.resolve("webapps/ROOT"));
                Sh.Out dry = Sh.run(120_000, java, "-jar", home.resolve("start.jar").toString(),
                        "jetty.home=" + home, "jetty.base=" + base, "--dry-run");
                if (!dry.ok()) {
                    throw new IllegalStateException("start.jar --dry-run failed in " + base + ":\n" + dry.text());
                }
                List<String> command = dryRunCommand(dry.text());
                Files.write(base.resolve(COMMAND_FILE), command, StandardCharsets.UTF_8);
                log.println("prepared " + base + " (modules " + String.join(",", modules) + ")");
            }
        } catch (IOException e) {
            throw Sh.io("cannot prepare the jetty bases under " + work, e);
        }
    }

    /** The java command line in start.jar's dry-run output (the last line that starts with a java binary). */
    static List<String> dryRunCommand(String dryRunOutput) {
        String found = null;
        for (String line : dryRunOutput.split("\n")) {
            String t = line.trim();
            if (t.matches("^\\S*/bin/java\\s.*")) {
                found = t;
            }
        }
        if (found == null) {
            throw new IllegalStateException("start.jar --dry-run printed no java command line:\n" + dryRunOutput);
        }
        List<String> args = new ArrayList<>();
        for (String a : found.split("\\s+")) {
            if (a.length() >= 2 && a.startsWith("'") && a.endsWith("'")) {
                a = a.substring(1, a.length() - 1);
            }
            args.add(a);
        }
        return args;
    }

    static List<String> command(Path base) {
        try {
            return Files.readAllLines(base.resolve(COMMAND_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Sh.io("cannot read the node's command line (run 'Lab prepare' first)", e);
        }
    }

    private static void appendProperties(Path ini, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder("\n# --- set by the selfbalance lab ---\n");
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        Files.writeString(ini, sb.toString(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void unpack(Path archive, Path into) throws IOException {
        if (archive.toString().endsWith(".zip")) {
            unzip(archive, into, 0);
        } else {
            Sh.must("tar", "-xzf", archive.toString(), "-C", into.toString());
        }
        // an overlay archive may wrap its content in one top folder: lift it into the base
        try (Stream<Path> s = Files.list(into)) {
            List<Path> top = s.toList();
            if (top.size() == 1 && Files.isDirectory(top.get(0)) && Files.isDirectory(top.get(0).resolve("modules"))) {
                Path wrapper = top.get(0);
                try (Stream<Path> inner = Files.list(wrapper)) {
                    for (Path p : inner.toList()) {
                        Files.move(p, into.resolve(p.getFileName().toString()));
                    }
                }
                Files.delete(wrapper);
            }
        }
    }

    private static void explodeWar(Path war, Path dir) throws IOException {
        Files.createDirectories(dir);
        unzip(war, dir, 0);
    }

    private static void unzip(Path zip, Path into, int strip) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("zip entry '" + e.getName() + "' in " + zip + " escapes " + root);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    copy(in, target);
                }
            }
        }
    }

    private static void copy(InputStream in, Path target) throws IOException {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
