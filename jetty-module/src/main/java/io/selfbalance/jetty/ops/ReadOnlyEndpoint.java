package io.selfbalance.jetty.ops;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A GET/HEAD-only endpoint answering at its context path exactly, optionally to loopback clients only (the same
 * rule as the status JSON: the cluster's layout is not for everyone). Subclasses give the body.
 */
abstract class ReadOnlyEndpoint extends Handler.Abstract.NonBlocking {
    private final boolean localOnly;
    private final String localOnlyKey;

    /**
     * @param localOnly answer loopback clients only (others get 403)
     * @param localOnlyKey the configuration key that decides it, named in the 403 answer
     */
    ReadOnlyEndpoint(boolean localOnly, String localOnlyKey) {
        this.localOnly = localOnly;
        this.localOnlyKey = localOnlyKey;
    }

    /** A body to send with 200, or null to answer 503 with {@link #unavailableReason()}. */
    protected abstract Body body();

    protected String unavailableReason() {
        return "not available yet";
    }

    protected record Body(String contentType, byte[] bytes, String cacheControl, String contentSecurityPolicy) {
    }

    /** A context holding {@code handler} at {@code path} exactly. */
    static ContextHandler context(String path, String displayName, ReadOnlyEndpoint handler) {
        ContextHandler context = new ContextHandler(handler, path);
        context.setDisplayName(displayName);
        context.setAllowNullPathInContext(true);
        return context;
    }

    @Override
    public final boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.isEmpty() && !path.equals("/")) {
            return false;
        }
        // The socket's peer, not ConnectionMetaData.getRemoteSocketAddress(): Jetty's http-forwarded module
        // rewrites that one from X-Forwarded-For, which any remote client could set to 127.0.0.1.
        if (localOnly && !isLoopback(request.getConnectionMetaData().getConnection().getEndPoint().getRemoteSocketAddress())) {
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "served to loopback clients only (" + localOnlyKey + "=true)");
            return true;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        Body body = body();
        if (body == null) {
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, unavailableReason());
            return true;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, body.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, body.cacheControl());
        if (body.contentSecurityPolicy() != null) {
            response.getHeaders().put("Content-Security-Policy", body.contentSecurityPolicy());
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.bytes().length);
        response.write(true, HttpMethod.HEAD.is(method) ? null : ByteBuffer.wrap(body.bytes()), callback);
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
