package io.selfbalance.jetty.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.selfbalance.config.EffectiveConfig;
import io.selfbalance.config.SelfbalanceConfig;
import io.selfbalance.config.SelfbalanceConfigLoader;
import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import io.selfbalance.health.HealthReport;
import io.selfbalance.health.HealthSettings;
import io.selfbalance.health.SelfbalanceResponseProvider;
import io.selfbalance.health.checks.DrainState;
import java.io.FileReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One cluster node without Jetty, for tests inside user-mode-linux: the real {@link ClusterController} over the
 * real kernel data plane and raw VRRP sockets, with a small JDK HTTP server answering {@code /health/ready} (the
 * node's readiness, as the peers probe it) and {@code /selfbalance/status} (the status JSON). SIGTERM stops it
 * gracefully, as Jetty's stop would.
 *
 * <p>Arguments: a properties file with the {@code selfbalance.*} keys, and the HTTP port.
 */
public final class ClusterNodeMain {
    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(args[0], StandardCharsets.UTF_8)) {
            p.load(r);
        }
        int port = Integer.parseInt(args[1]);
        Map<String, String> props = new HashMap<>();
        p.forEach((k, v) -> props.put((String) k, (String) v));
        SelfbalanceConfig cfg = SelfbalanceConfigLoader.load(props, Optional.empty());
        EffectiveConfig eff = EffectiveConfig.resolve(cfg, null, port);

        SelfbalanceResponseProvider.install();
        HealthRegistry registry = new HealthRegistry();
        DrainState drain = new DrainState();
        registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, drain);
        registry.applicationsDeployed();
        HealthEvaluator evaluator = new HealthEvaluator(registry, HealthSettings.defaults());

        DefaultEventLoop loop = new DefaultEventLoop(new DefaultThreadFactory("selfbalance-control", true));
        ClusterController controller = new ClusterController(eff, loop, ClusterController.KERNEL,
                ClusterController.RAW_SOCKETS, evaluator::evaluateAsync, drain);

        HttpServer http = HttpServer.create(new InetSocketAddress(port), 50);
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.createContext("/health/ready", ex -> {
            HealthReport report = evaluator.evaluate(HealthKind.READINESS);
            send(ex, report.httpStatus(), report.toJson());
        });
        http.createContext("/health/live", ex -> {
            HealthReport report = evaluator.evaluate(HealthKind.LIVENESS);
            send(ex, report.httpStatus(), report.toJson());
        });
        http.createContext("/selfbalance/status", ex -> send(ex, 200, controller.status().toJson()));
        http.start();
        // the hook first: a SIGTERM during a slow start still stops gracefully (removes what was set up)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                long t0 = System.nanoTime();
                controller.stopGracefully(eff.drainTime(), () -> 0).get(60, TimeUnit.SECONDS);
                System.out.println("NODE-STOPPED " + eff.self().name() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
                        + controller.status().toJson());
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                http.stop(0);
                evaluator.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }, "selfbalance-stop"));
        controller.start().get(180, TimeUnit.SECONDS); // UML on a loaded host can take long
        if (controller.dataPlaneInUse()) { // as the Jetty bean does
            registry.register(HealthRegistry.SELFBALANCE_OWNER, HealthKind.READINESS, controller.dataPlaneCheck());
        }
        System.out.println("NODE-STARTED " + eff.self().name() + " " + controller.status().state());

        Thread.currentThread().join();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
