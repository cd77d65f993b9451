package io.selfbalance.visibilityprobe;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.CodeSource;

/**
 * Deployed by the integration tests as a tiny webapp: {@code GET ?class=<name>} answers {@code visible <location>}
 * when the webapp's class loader can load the class (and from where), or {@code hidden}.
 */
public class ClassVisibilityServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("class");
        response.setContentType("text/plain");
        String answer;
        try {
            Class<?> type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
            CodeSource source = type.getProtectionDomain().getCodeSource();
            answer = "visible " + (source == null ? "(no code source)" : source.getLocation());
        } catch (ClassNotFoundException | LinkageError e) {
            answer = "hidden";
        }
        response.getWriter().write(answer);
    }
}
