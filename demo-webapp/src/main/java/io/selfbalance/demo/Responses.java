package io.selfbalance.demo;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Response and parameter helpers shared by the demo servlets. */
final class Responses {

    private Responses() {
    }

    static void json(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.object(body));
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        json(response, status, body);
    }

    /**
     * Reads a required duration parameter in milliseconds, between 0 and {@code max}.
     *
     * @throws BadParameterException naming the parameter, the value and what is allowed
     */
    static long boundedMillis(HttpServletRequest request, String name, long max) {
        String raw = request.getParameter(name);
        if (raw == null || raw.isBlank()) {
            throw new BadParameterException("missing query parameter '" + name + "': expected milliseconds 0.." + max);
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException("query parameter '" + name + "'='" + raw + "' is not a whole number of milliseconds; allowed: 0.." + max);
        }
        if (value < 0 || value > max) {
            throw new BadParameterException("query parameter '" + name + "'=" + value + " is out of range; allowed: 0.." + max);
        }
        return value;
    }

    static final class BadParameterException extends RuntimeException {
        BadParameterException(String message) {
            super(message);
        }
    }
}
