package io.selfbalance.demo;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Marks the demo as started once the webapp is initialized and warmed up, which the startup check reports.
 * This flag is the application's lifecycle (one per deployment, reset on undeploy), not per-request state.
 */
public class DemoLifecycle implements ServletContextListener {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    static boolean isStarted() {
        return STARTED.get();
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        // resolve the settings once now so a broken environment shows up in the deploy log, not on first request
        DemoSettings settings = DemoSettings.current();
        event.getServletContext().log("selfbalance demo on node " + settings.nodeName()
            + ", readiness switch file " + settings.downFile());
        STARTED.set(true);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        STARTED.set(false);
    }
}
