package io.selfbalance.ops;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Renders a registry in the Prometheus text exposition format (version 0.0.4), which every Prometheus server and
 * agent scrapes. The composition serves {@link #writeTo} on its metrics path with {@link #CONTENT_TYPE}.
 * Thread-safe: each call takes a fresh scrape.
 */
public final class MetricsExporter {
    /** {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry;
    // No _created series: they double the output and Prometheus ignores them in this format anyway.
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsExporter(PrometheusRegistry registry) {
        this.registry = Checks.present("registry", registry);
    }

    /** Writes one scrape to {@code out} (not closed). */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** One scrape as a string. */
    public String render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String contentType() {
        return CONTENT_TYPE;
    }
}
