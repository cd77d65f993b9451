package io.selfbalance.jetty;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operations side in the real jetty-home 12.1.12 through start.jar: Prometheus metrics, the status page, notify
 * hooks at start and at stop, and a hook that is not executable stopping the start.
 */
class ObservabilityModuleIT {

    private static final Duration START_TIMEOUT = JettyBase.START_TIMEOUT;

    @TempDir
    static Path shared;
    /** One jetty.base made by the operator's steps (unpack overlay, --add-modules); each test works on a copy. */
    private static JettyBase template;

    @TempDir
    Path temp;

    @BeforeAll
    static void installOnce() throws Exception {
        template = JettyBase.installed(shared.resolve("template"), "http,selfbalance");
    }

    private JettyBase installedBase() throws Exception {
        return template.copyTo(temp.resolve("base"));
    }

    private Path hook() throws Exception {
        Path hook = temp.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$*\" >> '" + temp.resolve("calls") + "'\necho \"hook output $1\"\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    private List<String> calls() throws Exception {
        Path calls = temp.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void metricsStatusPageAndNotifyHooksInTheRealDistribution() throws Exception {
        JettyBase base = installedBase();
        // the ops jars travel in the overlay's hidden lib/selfbalance folder with the rest of the server side
        List<String> libs = new ArrayList<>();
        try (Stream<Path> files = Files.list(base.dir.resolve("lib/selfbalance"))) {
            files.forEach(f -> libs.add(f.getFileName().toString()));
        }
        assertTrue(libs.stream().anyMatch(n -> n.startsWith("selfbalance-ops-")), libs.toString());
        assertTrue(libs.stream().anyMatch(n -> n.startsWith("prometheus-metrics-core-")), libs.toString());
        assertTrue(libs.stream().anyMatch(n -> n.startsWith("prometheus-metrics-exposition-textformats-")), libs.toString());

        Path hook = hook();
        List<String> ini = new ArrayList<>(JettyBaseConfig.VALID);
        ini.add("selfbalance.notify.fault=" + hook + ",fault");
        ini.add("selfbalance.notify.notify=" + hook + ",notify");
        ini.add("selfbalance.notify.timeout=5s");
        base.configure(ini);

        JettyBase.Running jetty = base.start(START_TIMEOUT);
        try {
            // on this host's lo the cluster layer is INACTIVE: its router is in FAULT, as metrics and hooks say
            String metrics = jetty.awaitResponse("/selfbalance/metrics", 200,
                "selfbalance_vrrp_state{router=\"main\",state=\"FAULT\",vrid=\"51\"} 1", Duration.ofSeconds(15));
            HttpResponse<String> scrape = jetty.get("/selfbalance/metrics");
            assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.headers().firstValue("Content-Type").orElseThrow());
            for (String family : List.of("selfbalance_vrrp_state gauge", "selfbalance_vrrp_transitions_total counter",
                "selfbalance_node_health gauge", "selfbalance_node_weight gauge", "selfbalance_notify_runs_total counter")) {
                assertTrue(metrics.contains("# TYPE " + family.replace("_total counter", " counter")) || metrics.contains("# TYPE " + family),
                    family + " in:\n" + metrics);
            }
            assertTrue(metrics.contains("selfbalance_vrrp_transitions_total{cause=\"INACTIVE\",from=\"INITIALIZE\",router=\"main\",to=\"FAULT\",vrid=\"51\"} 1"), metrics);
            assertTrue(metrics.contains("selfbalance_node_health{address=\"127.0.0.1\",node=\"n1\",self=\"true\",state=\"UNKNOWN\"} 1"), metrics);
            // notify_fault with its own arguments, then notify with keepalived's four; their output is logged
            jetty.awaitResponse("/selfbalance/metrics", 200,
                "selfbalance_notify_runs_total{hook=\"notify\",outcome=\"SUCCEEDED\"} 1", Duration.ofSeconds(15));
            assertEquals(List.of("fault", "notify INSTANCE main FAULT 0"), calls());
            assertTrue(jetty.log().contains("event=transition router=main vrid=51 from=INITIALIZE to=FAULT cause=INACTIVE"), jetty.log());
            assertTrue(jetty.log().contains("line=\"hook output fault\""), jetty.log());

            // the status page beside the status JSON, polling it
            HttpResponse<String> page = jetty.get("/selfbalance/status.html");
            assertEquals(200, page.statusCode(), page.body());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'"));
            assertTrue(page.body().contains("/selfbalance/status"), page.body());
            assertEquals(200, jetty.get("/selfbalance/status").statusCode());
        } finally {
            jetty.close(); // SIGTERM: Jetty's shutdown stops the bean
        }
        assertEquals(List.of("fault", "notify INSTANCE main FAULT 0", "notify INSTANCE main STOP 0"), calls(),
            "the STOP hook ran before the JVM exited:\n" + jetty.log());
    }

    @Test
    void aNotifyProgramThatIsNotExecutableStopsJettyNamingTheKey() throws Exception {
        JettyBase base = installedBase();
        Path notExecutable = temp.resolve("notify.sh");
        Files.writeString(notExecutable, "#!/bin/sh\n");
        List<String> ini = new ArrayList<>(JettyBaseConfig.VALID);
        ini.add("selfbalance.notify.master=" + notExecutable + ",master");
        base.configure(ini);
        JettyBase.Running jetty = base.start(START_TIMEOUT);
        try {
            String log = jetty.assertStartRefused();
            assertTrue(log.contains("selfbalance.notify.master = [" + notExecutable + ", master] is invalid: "
                + notExecutable + " is not an executable file"), log);
        } finally {
            jetty.close();
        }
    }
}
