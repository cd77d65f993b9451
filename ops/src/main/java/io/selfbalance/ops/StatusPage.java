package io.selfbalance.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The status page: one self-contained HTML document (its CSS and JavaScript inlined, no external asset, no CDN, so
 * it works on an isolated management network) that polls the status JSON every 2 s and shows nodes, roles,
 * weights, health, the IPVS table and recent events.
 *
 * <p>The composition serves {@link #html(String)} beside the status JSON, e.g. the JSON on
 * {@code /selfbalance/status} and the page on {@code /selfbalance/status.html} ({@link #pagePathFor}), with
 * {@link #CONTENT_TYPE} and the header {@code Content-Security-Policy: }{@link #contentSecurityPolicy()}: that
 * policy allows exactly the inlined script and style (by hash) and requests to the same origin only.
 */
public final class StatusPage {
    public static final String CONTENT_TYPE = "text/html; charset=utf-8";
    private static final String RESOURCES = "/io/selfbalance/ops/status/";

    private static final String TEMPLATE;
    private static final String STYLE;
    private static final String SCRIPT;
    private static final String POLICY;

    static {
        String html = resource("status.html");
        STYLE = resource("status.css");
        SCRIPT = resource("status.js");
        // The inlined text must not be able to end its own element early.
        if (SCRIPT.toLowerCase().contains("</script") || STYLE.toLowerCase().contains("</style")) {
            throw new IllegalStateException("status page assets contain a closing tag of their own element");
        }
        TEMPLATE = html.replace("/*@STYLE@*/", STYLE).replace("/*@SCRIPT@*/", SCRIPT);
        POLICY = "default-src 'none'; script-src '" + sha256(SCRIPT) + "'; style-src '" + sha256(STYLE)
                + "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private StatusPage() {
    }

    /**
     * The page, polling {@code statusJsonUrl} (an absolute path like {@code /selfbalance/status}, or a URL of the same
     * origin). With null or blank, the page derives it from its own address: {@code ?json=...} if given, else its
     * own path without {@code .html}.
     */
    public static String html(String statusJsonUrl) {
        String url = statusJsonUrl == null ? "" : statusJsonUrl.strip();
        return TEMPLATE.replace("@JSON_URL@", attribute(url));
    }

    /** {@link #html(String)} as UTF-8 bytes. */
    public static byte[] bytes(String statusJsonUrl) {
        return html(statusJsonUrl).getBytes(StandardCharsets.UTF_8);
    }

    /** Where to serve the page for a status JSON path: {@code /selfbalance/status} -> {@code /selfbalance/status.html}. */
    public static String pagePathFor(String statusJsonPath) {
        Checks.name("statusJsonPath", statusJsonPath);
        if (!statusJsonPath.startsWith("/")) {
            throw new IllegalArgumentException("statusJsonPath = '" + statusJsonPath + "' is invalid; allowed: a path starting with /");
        }
        String p = statusJsonPath.endsWith("/") && statusJsonPath.length() > 1
                ? statusJsonPath.substring(0, statusJsonPath.length() - 1) : statusJsonPath;
        return p + ".html";
    }

    /** The Content-Security-Policy header value to send with the page. */
    public static String contentSecurityPolicy() {
        return POLICY;
    }

    private static String attribute(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
