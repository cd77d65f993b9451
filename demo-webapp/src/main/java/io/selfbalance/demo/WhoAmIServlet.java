package io.selfbalance.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/whoami}: which node served the request, on which local address (with direct routing this is
 * the VIP), for which client, and when.
 */
public class WhoAmIServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoSettings settings = DemoSettings.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", settings.nodeName());
        body.put("localAddress", request.getLocalAddr());
        body.put("localPort", request.getLocalPort());
        body.put("client", request.getRemoteAddr());
        body.put("time", Instant.now().toString());
        body.put("pid", ProcessHandle.current().pid());
        Responses.json(response, HttpServletResponse.SC_OK, body);
    }
}
