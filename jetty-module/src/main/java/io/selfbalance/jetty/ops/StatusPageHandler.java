package io.selfbalance.jetty.ops;

import io.selfbalance.ops.StatusPage;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The status page ({@code <selfbalance.status.path>.html}, default {@code /selfbalance/status.html}): one
 * self-contained HTML document that polls the status JSON beside it. Same access rule as the JSON
 * ({@code selfbalance.status.local-only}), and a Content-Security-Policy that allows only its own inlined script
 * and style and requests to the same origin.
 */
public final class StatusPageHandler extends ReadOnlyEndpoint {
    public static final String LOCAL_ONLY_KEY = "selfbalance.status.local-only";

    private final Body page;

    /** @param statusJsonPath where the status JSON is served (the page polls it) */
    public StatusPageHandler(String statusJsonPath, boolean localOnly) {
        super(localOnly, LOCAL_ONLY_KEY);
        // the page never changes while Jetty runs: rendered once
        this.page = new Body(StatusPage.CONTENT_TYPE, StatusPage.bytes(statusJsonPath), "no-cache", StatusPage.contentSecurityPolicy());
    }

    /** A context at {@link StatusPage#pagePathFor}{@code (statusJsonPath)}. */
    public static ContextHandler newContext(String statusJsonPath, boolean localOnly) {
        return context(StatusPage.pagePathFor(statusJsonPath), "Selfbalance status page", new StatusPageHandler(statusJsonPath, localOnly));
    }

    @Override
    protected Body body() {
        return page;
    }
}
