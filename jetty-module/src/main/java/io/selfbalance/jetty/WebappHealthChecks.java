package io.selfbalance.jetty;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.selfbalance.health.HealthKind;
import io.selfbalance.health.HealthRegistry;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the MicroProfile Health checks of every deployed webapp and keeps the {@link HealthRegistry} in step with
 * deployments: checks are registered when a context has started and removed when it stops or leaves the server.
 *
 * <p>Discovery without CDI: {@code META-INF/services/org.eclipse.microprofile.health.HealthCheck} read through the
 * webapp's own class loader ({@link ServiceLoader}); only classes defined by that class loader count (so a check
 * the server or a parent loader provides is not registered once per webapp), each instantiated with the webapp as
 * the thread context class loader and classified by {@link Liveness @Liveness}, {@link Readiness @Readiness} and
 * {@link Startup @Startup} (several annotations: registered for each; none: ignored with a warning).
 *
 * <p>Installed as a {@link Container.InheritedListener} on the Server, so it sees every {@link ContextHandler}
 * added anywhere in the handler tree (deployer, XML, embedded code) without depending on a particular deployer.
 */
final class WebappHealthChecks implements Container.InheritedListener, LifeCycle.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(WebappHealthChecks.class);

    private final HealthRegistry registry;
    private final Runnable onChange;
    /** Contexts we listen to. */
    private final Set<ContextHandler> contexts = ConcurrentHashMap.newKeySet();
    /** Contexts whose checks are registered now. */
    private final Set<ContextHandler> registered = ConcurrentHashMap.newKeySet();

    /**
     * @param registry where the checks go
     * @param onChange called (on the deploying thread) after checks were added or removed
     */
    WebappHealthChecks(HealthRegistry registry, Runnable onChange) {
        this.registry = registry;
        this.onChange = onChange;
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (child instanceof ContextHandler context && contexts.add(context)) {
            context.addEventListener(this);
            if (context.isStarted()) {
                register(context);
            }
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        if (child instanceof ContextHandler context && contexts.remove(context)) {
            context.removeEventListener(this);
            unregister(context);
        }
    }

    @Override
    public void lifeCycleStarted(LifeCycle event) {
        if (event instanceof ContextHandler context) {
            register(context);
        }
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        // before the webapp's class loader is closed: its checks must not run any more
        if (event instanceof ContextHandler context) {
            unregister(context);
        }
    }

    /** Stops listening to every context and removes every webapp check (the bean is stopping). */
    void detachAll() {
        for (ContextHandler context : List.copyOf(contexts)) {
            context.removeEventListener(this);
            unregister(context);
        }
        contexts.clear();
    }

    /** Registry owners of the webapps whose checks are registered now, for status. */
    List<String> registeredOwners() {
        List<String> owners = new ArrayList<>();
        for (ContextHandler context : registered) {
            owners.add(owner(context));
        }
        return owners;
    }

    static String owner(ContextHandler context) {
        // context path plus identity: during a redeploy the old and the new context may briefly coexist
        return "webapp " + context.getContextPath() + " #" + Integer.toHexString(System.identityHashCode(context));
    }

    private void register(ContextHandler context) {
        ClassLoader webappLoader = context.getClassLoader();
        if (webappLoader == null || webappLoader == WebappHealthChecks.class.getClassLoader()) {
            return; // a core context (ours, well-known, ...) has no class loader of its own, so no checks
        }
        if (!registered.add(context)) {
            return;
        }
        String owner = owner(context);
        int count = 0;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(webappLoader);
        try {
            for (ServiceLoader.Provider<HealthCheck> provider : providers(webappLoader, owner)) {
                count += register(owner, provider);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("{}: {} health check registration(s) from META-INF/services/{}", owner, count, HealthCheck.class.getName());
        onChange.run();
    }

    private static List<ServiceLoader.Provider<HealthCheck>> providers(ClassLoader webappLoader, String owner) {
        List<ServiceLoader.Provider<HealthCheck>> found = new ArrayList<>();
        try {
            ServiceLoader.load(HealthCheck.class, webappLoader).stream()
                .filter(provider -> provider.type().getClassLoader() == webappLoader)
                .forEach(found::add);
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            // a listed class that is missing or not a HealthCheck; the ones found before it still count
            LOG.warn("{}: cannot read its health checks: {}", owner, e.toString());
        }
        return found;
    }

    private int register(String owner, ServiceLoader.Provider<HealthCheck> provider) {
        Class<? extends HealthCheck> type = provider.type();
        Set<HealthKind> kinds = kinds(type);
        if (kinds.isEmpty()) {
            LOG.warn("{}: health check {} has none of @Liveness, @Readiness, @Startup; ignored", owner, type.getName());
            return 0;
        }
        HealthCheck check;
        try {
            check = provider.get();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            LOG.warn("{}: cannot instantiate health check {}: {}", owner, type.getName(), e.toString());
            return 0;
        }
        for (HealthKind kind : kinds) {
            registry.register(owner, kind, check);
        }
        return kinds.size();
    }

    static Set<HealthKind> kinds(Class<?> type) {
        Set<HealthKind> kinds = EnumSet.noneOf(HealthKind.class);
        if (type.isAnnotationPresent(Liveness.class)) {
            kinds.add(HealthKind.LIVENESS);
        }
        if (type.isAnnotationPresent(Readiness.class)) {
            kinds.add(HealthKind.READINESS);
        }
        if (type.isAnnotationPresent(Startup.class)) {
            kinds.add(HealthKind.STARTUP);
        }
        return kinds;
    }

    private void unregister(ContextHandler context) {
        if (registered.remove(context)) {
            int removed = registry.unregisterAll(owner(context));
            LOG.info("{}: {} health check registration(s) removed", owner(context), removed);
            onChange.run();
        }
    }
}
