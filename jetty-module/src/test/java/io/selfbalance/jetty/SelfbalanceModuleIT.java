package io.selfbalance.jetty;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay in a fresh jetty.base of the real jetty-home 12.1.12, driven through start.jar. */
class SelfbalanceModuleIT {

    private static final Duration START_TIMEOUT = JettyBase.START_TIMEOUT;

    @TempDir
    static Path shared;
    /** One jetty.base made by the operator's steps (unpack overlay, --add-modules); each test works on a copy. */
    private static JettyBase template;

    @TempDir
    Path temp;

    @BeforeAll
    static void installOnce() throws Exception {
        template = JettyBase.installed(shared.resolve("template"), "http,ee10-deploy,selfbalance");
    }

    private JettyBase freshBase() throws Exception {
        return template.copyTo(temp.resolve("base"));
    }

    @Test
    void addModulesWritesCommentedIniAndPutsOurJarsOnTheServerClassPath() throws Exception {
        JettyBase base = template;
        Path ini = base.dir.resolve("start.d/selfbalance.ini");
        assertTrue(Files.isRegularFile(ini), "no start.d/selfbalance.ini");
        String text = Files.readString(ini);
        assertTrue(text.contains("--modules=selfbalance"), text);
        // every documented key is in the ini, commented out with its default or an example
        String template = Files.readString(base.dir.resolve("modules/selfbalance.mod"));
        Matcher keys = Pattern.compile("(?m)^# (selfbalance\\.[a-z0-9.-]+|mp\\.health\\.[a-z.]+)=(.*)$").matcher(template);
        int count = 0;
        while (keys.find()) {
            assertTrue(text.contains(keys.group()), "start.d/selfbalance.ini lacks: " + keys.group());
            count++;
        }
        assertTrue(count >= 30, "only " + count + " documented keys");
        assertFalse(Pattern.compile("(?m)^selfbalance\\.").matcher(text).find(), "no key may be set by default:\n" + text);

        JettyBase.ProcessResult config = base.startJar(START_TIMEOUT, "--list-config");
        assertEquals(0, config.exitCode(), config.output());
        String listing = config.output();
        assertTrue(listing.contains("${jetty.base}/lib/selfbalance/selfbalance-jetty-module-"), listing);
        assertTrue(listing.contains("${jetty.base}/lib/selfbalance-api/microprofile-health-api-4.0.1.jar"), listing);
        assertTrue(listing.contains("${jetty.base}/etc/selfbalance.xml"), listing);
        assertTrue(Pattern.compile("jetty\\.webapp\\.addHiddenClasses = .*\\$\\{jetty\\.base\\.uri}/lib/selfbalance/").matcher(listing).find(), listing);
        assertTrue(Pattern.compile("jetty\\.webapp\\.addProtectedClasses = .*org\\.eclipse\\.microprofile\\.health\\.").matcher(listing).find(), listing);
    }

    @Test
    void zipAndTarGzHoldTheSameFiles() throws Exception {
        Set<String> zipEntries = new TreeSet<>();
        try (ZipFile zip = new ZipFile(JettyBase.OVERLAY_ZIP.toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> zipEntries.add(e.getName()));
        }
        JettyBase base = new JettyBase(temp.resolve("unpacked")).unpackOverlay();
        Set<String> tarEntries = new TreeSet<>();
        try (Stream<Path> files = Files.walk(base.dir)) {
            files.filter(Files::isRegularFile).forEach(p -> tarEntries.add(base.dir.relativize(p).toString()));
        }
        assertEquals(zipEntries, tarEntries);
        assertTrue(tarEntries.contains("modules/selfbalance.mod"), tarEntries.toString());
        assertTrue(tarEntries.contains("etc/selfbalance.xml"), tarEntries.toString());
        assertTrue(tarEntries.contains("lib/selfbalance-api/microprofile-health-api-4.0.1.jar"), tarEntries.toString());
        assertTrue(tarEntries.stream().noneMatch(n -> n.startsWith("lib/selfbalance/") && n.contains("microprofile-health-api")), tarEntries.toString());
        assertTrue(tarEntries.stream().noneMatch(n -> n.contains("jetty-server") || n.contains("slf4j")), tarEntries.toString());
    }

    @Test
    void badConfigurationStopsJettyAndListsEveryProblem() throws Exception {
        JettyBase base = freshBase().configure(List.of(
            // selfbalance.interface missing
            "selfbalance.routers.main.vrid=51",
            "selfbalance.routers.main.vips=192.168.77.254/24",
            "selfbalance.routers.main.priority=300",
            "selfbalance.nodes.n1.address=not-an-address",
            "selfbalance.drain-tme=5s"));
        try (JettyBase.Running jetty = base.start(START_TIMEOUT)) {
            String log = jetty.assertStartRefused();
            assertTrue(log.contains("Invalid Selfbalance configuration (4 problems)"), log);
            for (String key : List.of("selfbalance.interface", "selfbalance.routers.main.priority=300",
                "selfbalance.nodes.n1.address", "selfbalance.drain-tme")) {
                assertTrue(log.contains(key), "log does not name " + key + ":\n" + log);
            }
            assertTrue(log.contains("ERROR:isj.SelfbalanceLifeCycle"), "no ERROR entry of ours:\n" + log);
        }
    }

    @Test
    void healthEndpointFollowsDeployedWebappsAndTheirChecks() throws Exception {
        JettyBase base = freshBase().configure(JettyBaseConfig.VALID).deploy(JettyBase.DEMO_WAR, "demo.war");
        Path webapps = base.dir.resolve("webapps");
        deployVisibilityProbe(webapps.resolve("probe"));
        // a webapp that wrongly bundles the API must still get the server's HealthCheck (protected class)
        Path bundled = webapps.resolve("probe/WEB-INF/lib/microprofile-health-api-4.0.1.jar");
        Files.createDirectories(bundled.getParent());
        Files.copy(base.dir.resolve("lib/selfbalance-api/microprofile-health-api-4.0.1.jar"), bundled);

        try (JettyBase.Running jetty = base.start(START_TIMEOUT, "jetty.deploy.scanInterval=1")) {
            // the demo's three checks, each on its own endpoint and all on /health
            String ready = jetty.awaitResponse("/health/ready", 200, "\"name\":\"demo-ready\"", Duration.ofSeconds(10));
            assertTrue(ready.startsWith("{\"status\":\"UP\""), ready);
            assertFalse(ready.contains("demo-live"), ready);
            assertTrue(jetty.get("/health/live").body().contains("\"name\":\"demo-live\",\"status\":\"UP\""));
            assertTrue(jetty.get("/health/started").body().contains("\"name\":\"demo-started\",\"status\":\"UP\""));
            HttpResponse<String> all = jetty.get("/health");
            assertEquals(200, all.statusCode());
            for (String name : List.of("demo-live", "demo-ready", "demo-started")) {
                assertTrue(all.body().contains("\"name\":\"" + name + "\""), all.body());
            }
            assertEquals(404, jetty.get("/health/nothing").statusCode());

            // the status JSON (loopback client): on this host's lo the cluster layer refuses to run and says why
            HttpResponse<String> status = jetty.get("/selfbalance/status");
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"state\":\"INACTIVE\"") && status.body().contains("loopback"), status.body());
            assertTrue(status.body().contains("\"phase\":\"SERVING\""), status.body());

            // the operator's file turns readiness DOWN: 503; the admin call (from loopback) brings it back
            Path downFile = base.dir.resolve("selfbalance-demo.down");
            Files.writeString(downFile, "maintenance\n");
            HttpResponse<String> down = jetty.get("/health/ready");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("\"name\":\"demo-ready\",\"status\":\"DOWN\""), down.body());
            assertEquals(503, jetty.get("/health").statusCode());
            assertEquals(200, jetty.get("/health/live").statusCode());
            assertEquals(200, jetty.post("/demo/api/admin/ready?state=up").statusCode());
            assertFalse(Files.exists(downFile));
            assertEquals(200, jetty.get("/health/ready").statusCode());
            assertEquals(200, jetty.post("/demo/api/admin/ready?state=down").statusCode());
            assertEquals(503, jetty.get("/health/ready").statusCode());
            Files.delete(downFile);

            // webapps see the server's MicroProfile Health API (even one that bundles its own copy), and nothing else
            // of Selfbalance or Jetty
            String healthCheck = jetty.get("/probe/visible?class=org.eclipse.microprofile.health.HealthCheck").body();
            assertTrue(healthCheck.startsWith("visible ") && healthCheck.endsWith("/lib/selfbalance-api/microprofile-health-api-4.0.1.jar"), healthCheck);
            for (String hidden : List.of("io.selfbalance.jetty.SelfbalanceLifeCycle", "io.selfbalance.health.HealthRegistry",
                "io.selfbalance.config.SelfbalanceConfig", "io.netty.channel.EventLoop", "io.smallrye.config.SmallRyeConfig",
                "org.hibernate.validator.HibernateValidator", "jnr.ffi.LibraryLoader", "org.eclipse.jetty.server.Server")) {
                assertEquals("hidden", jetty.get("/probe/visible?class=" + hidden).body(), hidden);
            }

            // undeploy: the demo's checks leave with it; readiness with no checks after start-up is UP
            Files.delete(webapps.resolve("demo.war"));
            // only Selfbalance's own drain check is left
            String onlyOurs = "{\"status\":\"UP\",\"checks\":[{\"name\":\"selfbalance-drain\",\"status\":\"UP\",\"data\":{\"draining\":false}}]}";
            String empty = jetty.awaitResponse("/health/ready", 200, onlyOurs, Duration.ofSeconds(15));
            assertEquals(onlyOurs, empty);
            assertFalse(jetty.get("/health").body().contains("demo-"));
            assertTrue(jetty.log().contains("webapp /demo #"), jetty.log());

            // and come back with a redeploy
            Files.copy(JettyBase.DEMO_WAR, webapps.resolve("demo.war"), StandardCopyOption.REPLACE_EXISTING);
            jetty.awaitResponse("/health/ready", 200, "\"name\":\"demo-ready\"", Duration.ofSeconds(20));
            assertEquals(1, count(jetty.get("/health/ready").body(), "demo-ready"), "registered once");
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** An exploded webapp whose only servlet reports which classes the webapp can load. */
    private static void deployVisibilityProbe(Path webapp) throws Exception {
        String classFile = "io/selfbalance/visibilityprobe/ClassVisibilityServlet.class";
        Path target = webapp.resolve("WEB-INF/classes").resolve(classFile);
        Files.createDirectories(target.getParent());
        Files.copy(JettyBase.TEST_CLASSES.resolve(classFile), target);
        List<String> webXml = new ArrayList<>(List.of(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" metadata-complete=\"true\">",
            "  <servlet><servlet-name>probe</servlet-name><servlet-class>io.selfbalance.visibilityprobe.ClassVisibilityServlet</servlet-class></servlet>",
            "  <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/visible</url-pattern></servlet-mapping>",
            "</web-app>"));
        Files.write(webapp.resolve("WEB-INF/web.xml"), webXml);
    }
}
