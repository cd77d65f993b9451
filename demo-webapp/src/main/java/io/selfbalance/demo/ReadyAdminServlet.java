package io.selfbalance.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/admin/ready?state=down|up} turns this node's readiness DOWN or UP; accepted only from a loopback
 * client (the operator on the node itself). {@code GET} reports the current state to anyone.
 *
 * <p>The check uses the TCP peer address; if a proxy-header customizer (Forwarded / PROXY protocol) rewrites it,
 * loopback then means "the proxy said so", so do not enable those in front of this demo.
 */
public class ReadyAdminServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.json(response, HttpServletResponse.SC_OK, state(ReadinessSwitch.current()));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!isLoopback(request.getRemoteAddr())) {
            Responses.error(response, HttpServletResponse.SC_FORBIDDEN,
                "readiness can only be changed from the node itself (loopback); client was " + request.getRemoteAddr());
            return;
        }
        String state = request.getParameter("state");
        boolean down;
        if ("down".equalsIgnoreCase(state)) {
            down = true;
        } else if ("up".equalsIgnoreCase(state)) {
            down = false;
        } else {
            Responses.error(response, HttpServletResponse.SC_BAD_REQUEST,
                "query parameter 'state'=" + (state == null ? "(missing)" : "'" + state + "'") + " is not allowed; allowed: down, up");
            return;
        }
        ReadinessSwitch readiness = ReadinessSwitch.current();
        try {
            readiness.set(down);
        } catch (UncheckedIOException e) {
            Responses.error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, e.getMessage());
            return;
        }
        log("readiness turned " + (down ? "DOWN" : "UP") + " by " + request.getRemoteAddr() + " (" + readiness.downFile() + ")");
        Responses.json(response, HttpServletResponse.SC_OK, state(readiness));
    }

    private static Map<String, Object> state(ReadinessSwitch readiness) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", DemoSettings.current().nodeName());
        body.put("readiness", readiness.isDown() ? "DOWN" : "UP");
        body.put("downFile", readiness.downFile().toString());
        return body;
    }

    /** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; never resolves names (the argument is a literal). */
    static boolean isLoopback(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return false;
        }
        String literal = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
            ? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
        if (literal.indexOf(':') < 0) {
            return isIpv4Loopback(literal);
        }
        try {
            // with a ':' getByName only parses an IPv6 literal, it never asks DNS
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpv4Loopback(String literal) {
        String[] octets = literal.split("\\.", -1);
        if (octets.length != 4) {
            return false; // names are never resolved: the client chose them
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit) || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return octets[0].equals("127");
    }
}
