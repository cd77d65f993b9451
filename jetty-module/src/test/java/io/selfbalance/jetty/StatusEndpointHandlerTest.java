package io.selfbalance.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.Test;

/** The status endpoint on a real Jetty: JSON for loopback clients, 403 for others when local-only. */
class StatusEndpointHandlerTest {

    @Test
    void servesLoopbackClientsAndRefusesOthersWhenLocalOnly() throws Exception {
        assertTrue(StatusEndpointHandler.isLoopback(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)));
        assertTrue(!StatusEndpointHandler.isLoopback(new InetSocketAddress(InetAddress.getByName("192.168.77.100"), 1)));
        assertTrue(!StatusEndpointHandler.isLoopback(null));

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(StatusEndpointHandler.newContext("/selfbalance/status", () -> "{\"state\":\"ACTIVE\"}", true));
        contexts.addHandler(StatusEndpointHandler.newContext("/open/status", () -> "{\"state\":\"NEW\"}", false));
        server.setHandler(contexts);
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "/selfbalance/status"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("{\"state\":\"ACTIVE\"}", ok.body());
            assertEquals("application/json; charset=UTF-8", ok.headers().firstValue("content-type").orElse(""));
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/selfbalance/status"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            HttpResponse<String> below = client.send(HttpRequest.newBuilder(URI.create(base + "/selfbalance/status/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, below.statusCode());
            assertEquals("{\"state\":\"NEW\"}", client.send(HttpRequest.newBuilder(URI.create(base + "/open/status"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } finally {
            server.stop();
        }
    }

    /**
     * With Jetty's forwarded-header support on (the {@code http-forwarded} module), the request's remote address
     * comes from X-Forwarded-For, which a remote client controls. The local-only decision must use the socket's
     * peer instead: a loopback client claiming to be 192.168.77.100 is still served, so a remote client claiming
     * 127.0.0.1 gains nothing.
     */
    @Test
    void localOnlyDecisionIgnoresForwardedHeaders() throws Exception {
        Server server = new Server();
        org.eclipse.jetty.server.HttpConfiguration config = new org.eclipse.jetty.server.HttpConfiguration();
        config.addCustomizer(new org.eclipse.jetty.server.ForwardedRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(StatusEndpointHandler.newContext("/selfbalance/status", () -> "{\"state\":\"ACTIVE\"}", true));
        server.setHandler(contexts);
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/selfbalance/status"))
                .header("X-Forwarded-For", "192.168.77.100").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        } finally {
            server.stop();
        }
    }
}
