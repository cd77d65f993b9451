package io.selfbalance.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.selfbalance.health.HealthEvaluator;
import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthReport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server-wide MicroProfile Health endpoint, as a core Jetty context (like the {@code well-known} module's):
 * {@code /health} (all kinds), {@code /health/live}, {@code /health/ready} and {@code /health/started}; 200 when UP,
 * 503 when DOWN, 500 when the checks could not be evaluated, body in the MicroProfile Health JSON format.
 *
 * <p>Checks run on the evaluator's threads; this handler only waits for the future, so it never blocks a Jetty
 * thread while a slow check runs.
 */
public final class HealthEndpointHandler extends Handler.Abstract.NonBlocking {

    /** Context path of the endpoint, fixed by the MicroProfile Health specification. */
    public static final String CONTEXT_PATH = "/health";

    private final Supplier<HealthEvaluator> evaluators;

    /** @param evaluators the current evaluator, or null while Selfbalance is not started (then 503) */
    public HealthEndpointHandler(Supplier<HealthEvaluator> evaluators) {
        this.evaluators = evaluators;
    }

    /** A context answering under {@value #CONTEXT_PATH}. */
    public static ContextHandler newContext(Supplier<HealthEvaluator> evaluator) {
        ContextHandler context = new ContextHandler(new HealthEndpointHandler(evaluator), CONTEXT_PATH);
        context.setDisplayName("Selfbalance MicroProfile Health");
        // "/health" itself, not only "/health/", answers (no redirect): probes and clients expect the bare path
        context.setAllowNullPathInContext(true);
        return context;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean all = path.isEmpty() || path.equals("/");
        HealthKind kind = all || !path.startsWith("/") ? null : HealthKind.fromPathSegment(path.substring(1));
        if (!all && kind == null) {
            return false; // not ours: 404 from the server
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        HealthEvaluator evaluator = evaluators.get();
        if (evaluator == null) {
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "Selfbalance is not started");
            return true;
        }
        CompletableFuture<HealthReport> evaluation = all ? evaluator.evaluateAllAsync() : evaluator.evaluateAsync(kind);
        boolean head = HttpMethod.HEAD.is(method);
        evaluation.whenComplete((report, failure) -> {
            HealthReport answer = failure == null ? report : HealthReport.undetermined("evaluation failed: " + failure);
            byte[] body = answer.toJson().getBytes(StandardCharsets.UTF_8);
            response.setStatus(answer.httpStatus());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, HealthReport.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, head ? null : ByteBuffer.wrap(body), callback);
        });
        return true;
    }
}
