package io.selfbalance.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/work?ms=N}: keeps one CPU busy for N milliseconds (at most {@value #MAX_MS}) hashing a SHA-256
 * chain, and returns how many rounds it did and the final digest (so the JIT cannot drop the work).
 */
public class WorkServlet extends HttpServlet {

    static final long MAX_MS = 10_000;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long ms;
        try {
            ms = Responses.boundedMillis(request, "ms", MAX_MS);
        } catch (Responses.BadParameterException e) {
            Responses.error(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        long started = System.nanoTime();
        long deadline = started + ms * 1_000_000L;
        byte[] digest = new byte[32];
        long rounds = 0;
        MessageDigest sha256 = sha256();
        do {
            digest = sha256.digest(digest);
            rounds++;
        } while (System.nanoTime() - deadline < 0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", DemoSettings.current().nodeName());
        body.put("requestedMs", ms);
        body.put("elapsedMs", (System.nanoTime() - started) / 1_000_000L);
        body.put("rounds", rounds);
        body.put("digest", HexFormat.of().formatHex(digest, 0, 8));
        Responses.json(response, HttpServletResponse.SC_OK, body);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
