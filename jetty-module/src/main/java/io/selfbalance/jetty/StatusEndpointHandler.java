package io.selfbalance.jetty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The Selfbalance status as JSON ({@code selfbalance.status.path}, default {@code /selfbalance/status}): roles per
 * router, VIP placement, nodes with health and weight, the IPVS table, transitions, counters. With
 * {@code selfbalance.status.local-only=true} (the default) only clients on a loopback address get it; others get 403,
 * since the status shows the cluster's layout.
 */
public final class StatusEndpointHandler extends Handler.Abstract.NonBlocking {

    private final Supplier<String> json;
    private final boolean localOnly;

    public StatusEndpointHandler(Supplier<String> json, boolean localOnly) {
        this.json = json;
        this.localOnly = localOnly;
    }

    /** A context answering at {@code path} exactly. */
    public static ContextHandler newContext(String path, Supplier<String> json, boolean localOnly) {
        ContextHandler context = new ContextHandler(new StatusEndpointHandler(json, localOnly), path);
        context.setDisplayName("Selfbalance status");
        context.setAllowNullPathInContext(true);
        return context;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.isEmpty() && !path.equals("/")) {
            return false;
        }
        // The socket's peer, not ConnectionMetaData.getRemoteSocketAddress(): Jetty's http-forwarded module
        // rewrites that one from X-Forwarded-For, which any remote client could set to 127.0.0.1.
        if (localOnly && !isLoopback(request.getConnectionMetaData().getConnection().getEndPoint().getRemoteSocketAddress())) {
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                "the Selfbalance status is served to loopback clients only (selfbalance.status.local-only=true)");
            return true;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        byte[] body = json.get().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=UTF-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, HttpMethod.HEAD.is(method) ? null : ByteBuffer.wrap(body), callback);
        return true;
    }

    static boolean isLoopback(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            InetAddress a = inet.getAddress();
            return a != null && a.isLoopbackAddress();
        }
        return false; // unix-domain or unknown: not a loopback IP client
    }
}
