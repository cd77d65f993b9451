package io.selfbalance.demo;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/sleep?ms=N}: answers after N milliseconds (at most {@value #MAX_MS}) without holding a server
 * thread meanwhile, like a request waiting on a slow backend. The connection stays open for the whole time, which
 * is what graceful draining has to wait for.
 */
public class SleepServlet extends HttpServlet {

    static final long MAX_MS = 30_000;

    private ScheduledExecutorService timer;

    @Override
    public void init() throws ServletException {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "demo-sleep-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void destroy() {
        // answer the sleepers now (their elapsedMs shows the cut) rather than leave them to the async timeout
        for (Runnable pending : timer.shutdownNow()) {
            pending.run();
        }
    }

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
        AsyncContext async = request.startAsync();
        async.setTimeout(ms + 10_000);
        try {
            timer.schedule(() -> answer(async, ms, started), ms, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the webapp is being undeployed
            Responses.error((HttpServletResponse) async.getResponse(), HttpServletResponse.SC_SERVICE_UNAVAILABLE, "shutting down");
            async.complete();
        }
    }

    private void answer(AsyncContext async, long ms, long started) {
            try {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("node", DemoSettings.current().nodeName());
                body.put("requestedMs", ms);
                body.put("elapsedMs", (System.nanoTime() - started) / 1_000_000L);
                Responses.json((HttpServletResponse) async.getResponse(), HttpServletResponse.SC_OK, body);
            } catch (IOException | RuntimeException e) {
                log("sleep response failed", e);
            } finally {
                async.complete();
            }
    }
}
