package io.selfbalance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium}): a small HTTP server serves the page
 * (with its Content-Security-Policy, so a wrong script hash would leave the page blank) and a sequence of status
 * JSON fixtures in the shape the jetty-module publishes; Chromium loads it, polls a few times in virtual time, and
 * the test reads the rendered DOM ({@code --dump-dom}) and a screenshot ({@code target/status-page.png}).
 */
class StatusPageChromiumTest {
    private static final Path TARGET = Path.of("target");
    private static String chromium;

    private HttpServer server;
    private final AtomicInteger statusRequests = new AtomicInteger();

    @BeforeAll
    static void findOrInstallChromium() throws Exception {
        chromium = which("chromium");
        if (chromium == null) {
            if (!isRoot()) {
                throw new AssertionError("the status page test needs Debian's 'chromium' package "
                        + "(apt-get install chromium); it is not installed and this user is not root to install it");
            }
            run(List.of("apt-get", "update", "-qq"), 600);
            run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"), 900);
            chromium = which("chromium");
            if (chromium == null) {
                throw new AssertionError("apt-get installed chromium but it is not on PATH");
            }
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves the page at /selfbalance/status.html and the fixtures in order at /selfbalance/status (last repeats). */
    private String serve(String pageJsonUrl, List<String> fixtures, int failFromRequest) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] page = StatusPage.bytes(pageJsonUrl);
        server.createContext("/selfbalance/status.html", ex -> {
            ex.getResponseHeaders().set("Content-Type", StatusPage.CONTENT_TYPE);
            ex.getResponseHeaders().set("Content-Security-Policy", StatusPage.contentSecurityPolicy());
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(page);
            }
        });
        server.createContext("/selfbalance/status", ex -> {
            if (!ex.getRequestURI().getPath().equals("/selfbalance/status")) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            int n = statusRequests.incrementAndGet();
            if (failFromRequest > 0 && n >= failFromRequest) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
                return;
            }
            byte[] body = fixture(fixtures.get(Math.min(n, fixtures.size()) - 1));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/selfbalance/status.html";
    }

    @Test
    void rendersNodesRolesWeightsHealthAndEventsAndFollowsChanges() throws Exception {
        String url = serve("/selfbalance/status", List.of("status-1.json", "status-2.json"), 0);
        String dom = chromium(url, "--dump-dom");
        assertTrue(statusRequests.get() >= 2, "the page must poll repeatedly; requests: " + statusRequests.get());
        assertTrue(dom.contains("data-polls=\""), "no successful poll rendered:\n" + dom);

        // Header and routers: this node is master of both routers after the second snapshot.
        assertTrue(dom.contains("<span id=\"node\" class=\"node-name\">n1</span>"), dom);
        assertEquals("MASTER", roleCell(dom, "main"));
        assertEquals("MASTER", roleCell(dom, "api"));

        // One row per node with its roles (from each router's master address), health and weight.
        String n1 = row(dom, "node self", "n1");
        String n2 = row(dom, "node", "n2");
        String n3 = row(dom, "node", "n3");
        assertTrue(n1.contains("main: MASTER") && n1.contains("api: MASTER") && n1.contains("this node"), n1);
        assertTrue(n2.contains("main: BACKUP") && n2.contains("api: BACKUP"), n2);
        assertTrue(n2.contains("class=\"badge DOWN\">DOWN<"), n2);
        assertTrue(n2.contains("0 / 100") && n2.contains("DOWN: 3 failed probes: connection refused"), n2);
        assertTrue(n3.contains("class=\"badge UP\">UP<") && n3.contains("20 / 100"), n3);

        // The kernel's table.
        assertTrue(dom.contains("192.168.77.12:8080</td><td class=\"num\">0</td><td class=\"num active\">0</td><td class=\"num inactive\">37</td>"), dom);

        // Recent events: the JSON's transitions (newest first) and the changes the page saw between polls.
        List<String> events = texts(dom, "<span class=\"text\">", "</span>");
        // (the page dates what it saw by the snapshot's "published", 00:04:07.120, after the api takeover at 00:04:06.301)
        assertEquals(List.of(
                "n2 weight 100 → 0 (DOWN: 3 failed probes: connection refused)",
                "n2 health UP → DOWN",
                "api (VRID 52): BACKUP → MASTER · PRIORITY_ZERO_RECEIVED · peer 192.168.77.12",
                "main (VRID 51): BACKUP → MASTER · MASTER_DOWN_TIMEOUT",
                "api (VRID 52): INITIALIZE → BACKUP · STARTUP",
                "main (VRID 51): INITIALIZE → BACKUP · STARTUP"), events);
        assertTrue(dom.contains("<dt>roleSwitches</dt><dd>2</dd>"), dom);
        assertTrue(dom.contains("class=\"conn conn-ok\">live<"), dom);
    }

    @Test
    void screenshotShowsThePage() throws Exception {
        String url = serve("/selfbalance/status", List.of("status-1.json", "status-2.json"), 0);
        Path png = TARGET.resolve("status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium(url, "--screenshot=" + png);
        assertTrue(Files.size(png) > 10_000, "screenshot too small: " + Files.size(png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        assertEquals(800, img.getHeight());
        // A rendered page has many colours (text anti-aliasing, badges); a blank or error page has a few.
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 200, "screenshot looks blank: " + colours.size() + " colours");
        // The dark header bar is at the top.
        int top = img.getRGB(5, 5) & 0xffffff;
        assertTrue(((top >> 16) & 0xff) < 60 && ((top >> 8) & 0xff) < 60, "header not rendered: " + Integer.toHexString(top));
    }

    @Test
    void hostileNamesStayTextAndAFailingEndpointIsShownAsStale() throws Exception {
        // No URL in the page: it derives /selfbalance/status from its own path.
        String url = serve(null, List.of("status-hostile.json"), 2);
        String dom = chromium(url, "--dump-dom");
        assertTrue(statusRequests.get() >= 2, "requests: " + statusRequests.get());
        assertFalse(dom.contains("<img"), "markup from the JSON was inserted as HTML:\n" + dom);
        assertFalse(dom.contains("<title>pwned"), dom);
        assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;n9</span>"), dom);
        assertTrue(dom.contains("&lt;img id=\"injected\""), dom);
        // The last good picture stays, flagged as stale.
        assertTrue(dom.contains("class=\"conn conn-error\">status unavailable: HTTP 500<"), dom);
        assertTrue(dom.contains("Why INACTIVE: this kernel has no IPVS (CONFIG_IP_VS unset)"), dom);
        assertTrue(dom.contains("Last error: netlink: IPVS family not found"), dom);
        assertTrue(dom.contains("id=\"ipvs-empty\" class=\"muted\">"), "IPVS placeholder must be visible: " + dom);
        assertTrue(dom.contains("No events yet."), dom);
    }

    // --- helpers

    private static String roleCell(String dom, String router) {
        Matcher m = Pattern.compile("<tr class=\"router\" data-router=\"" + router
                + "\">.*?<td class=\"role\"><span class=\"roles\"><span class=\"badge [A-Z]+\">([A-Z]+)</span>").matcher(dom);
        assertTrue(m.find(), "no row for router " + router + ":\n" + dom);
        return m.group(1);
    }

    private static String row(String dom, String cls, String node) {
        Matcher m = Pattern.compile("<tr class=\"" + cls + "\" data-node=\"" + node + "\">(.*?)</tr>").matcher(dom);
        assertTrue(m.find(), "no row for node " + node + ":\n" + dom);
        return m.group(1);
    }

    private static List<String> texts(String dom, String open, String close) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(open) + "(.*?)" + Pattern.quote(close)).matcher(dom);
        while (m.find()) {
            out.add(m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&"));
        }
        return out;
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = StatusPageChromiumTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Runs headless Chromium once with a fresh profile; returns its standard output (the DOM for --dump-dom). */
    private static String chromium(String url, String mode) throws Exception {
        Path profile = Files.createTempDirectory("selfbalance-chromium-");
        Files.createDirectories(TARGET);
        Path err = TARGET.resolve("chromium-" + mode.replaceAll("[^a-z-]", "").replaceAll("^-+", "") + ".log");
        List<String> cmd = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,800", "--virtual-time-budget=5000", mode, url);
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 120 s: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("chromium exited " + p.exitValue() + ": " + cmd + "\n" + Files.readString(err));
            }
        } finally {
            deleteTree(profile);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return uid.equals("0");
    }

    private static void run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " failed:\n" + out);
        }
    }
}
