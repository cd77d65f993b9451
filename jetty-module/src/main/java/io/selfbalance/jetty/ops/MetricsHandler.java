package io.selfbalance.jetty.ops;

import io.selfbalance.ops.MetricsExporter;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The Prometheus text exposition ({@code selfbalance.metrics.path}, default {@code /selfbalance/metrics}); each
 * request is one fresh scrape. 503 while Selfbalance is not started. With {@code selfbalance.metrics.local-only=true}
 * (the default) only loopback clients get it.
 */
public final class MetricsHandler extends ReadOnlyEndpoint {
    public static final String LOCAL_ONLY_KEY = "selfbalance.metrics.local-only";

    private final Supplier<MetricsExporter> exporter;

    public MetricsHandler(Supplier<MetricsExporter> exporter, boolean localOnly) {
        super(localOnly, LOCAL_ONLY_KEY);
        this.exporter = exporter;
    }

    public static ContextHandler newContext(String path, Supplier<MetricsExporter> exporter, boolean localOnly) {
        return context(path, "Selfbalance metrics", new MetricsHandler(exporter, localOnly));
    }

    @Override
    protected Body body() {
        MetricsExporter e = exporter.get();
        if (e == null) {
            return null;
        }
        byte[] text = e.render().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Body(MetricsExporter.CONTENT_TYPE, text, "no-store", null);
    }

    @Override
    protected String unavailableReason() {
        return "Selfbalance is not started";
    }
}
