package io.selfbalance.health;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The checks known to this server: liveness, readiness and startup procedures, added and removed at run time.
 *
 * <p>Thread-safe: webapps deploy and undeploy on their own threads while evaluations run. Every registration
 * names an <em>owner</em> (for example a webapp's context path, or {@link #SELFBALANCE_OWNER}) so that all checks
 * of one webapp can be removed together with {@link #unregisterAll(String)}.
 *
 * <p>The registry also knows whether the applications have been deployed: until
 * {@link #applicationsDeployed()} is called, readiness and startup answer the configured empty response
 * ({@code mp.health.default.*.empty.response}, DOWN by default), as the spec requires of a container whose
 * application checks are expected but not installed yet.
 */
public final class HealthRegistry {

    /** Owner name used for the checks Selfbalance itself contributes. */
    public static final String SELFBALANCE_OWNER = "selfbalance";

    private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean deployed;

    /**
     * Adds a check.
     *
     * @param owner who contributed it (non-blank); {@link #unregisterAll(String)} removes all of an owner's checks
     * @param kind liveness, readiness or startup
     * @param check the procedure; the same instance may be registered once per kind
     * @return the handle to remove this one registration
     */
    public Registration register(String owner, HealthKind kind, HealthCheck check) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("owner: " + (owner == null ? "null" : "'" + owner + "'")
                    + " is not allowed; use a non-blank name such as a webapp context path");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(check, "check");
        Registration r = new Registration(ids.incrementAndGet(), owner, kind, check);
        registrations.add(r);
        return r;
    }

    /**
     * Adds {@code check} once for each of its kind annotations ({@link Liveness}, {@link Readiness},
     * {@link Startup}) on its class. A check without any of them is not registered, as the spec says for a
     * {@code HealthCheck} without qualifier.
     *
     * @return the registrations made, possibly none
     */
    public List<Registration> registerAnnotated(String owner, HealthCheck check) {
        List<Registration> out = new ArrayList<>();
        for (HealthKind kind : kindsOf(check.getClass())) {
            out.add(register(owner, kind, check));
        }
        return out;
    }

    /** The kinds a check class declares through the MicroProfile Health annotations, in enum order. */
    public static Set<HealthKind> kindsOf(Class<?> checkClass) {
        Set<HealthKind> kinds = EnumSet.noneOf(HealthKind.class);
        if (checkClass.isAnnotationPresent(Liveness.class)) {
            kinds.add(HealthKind.LIVENESS);
        }
        if (checkClass.isAnnotationPresent(Readiness.class)) {
            kinds.add(HealthKind.READINESS);
        }
        if (checkClass.isAnnotationPresent(Startup.class)) {
            kinds.add(HealthKind.STARTUP);
        }
        return kinds;
    }

    /** Removes one registration; returns whether it was still registered. */
    public boolean unregister(Registration registration) {
        return registrations.remove(registration);
    }

    /** Removes every check of {@code owner} (all kinds); returns how many were removed. */
    public int unregisterAll(String owner) {
        List<Registration> mine = new ArrayList<>();
        for (Registration r : registrations) {
            if (r.owner.equals(owner)) {
                mine.add(r);
            }
        }
        registrations.removeAll(mine);
        return mine.size();
    }

    /** Snapshot of the registrations of {@code kind}, in registration order. */
    public List<Registration> registrations(HealthKind kind) {
        List<Registration> out = new ArrayList<>();
        for (Registration r : registrations) {
            if (r.kind == kind) {
                out.add(r);
            }
        }
        return out;
    }

    /** Snapshot of all registrations, in registration order. */
    public List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    /**
     * Declares that the applications' checks have been installed (for Jetty: the server has started and its
     * webapps are deployed). From now on empty readiness and startup answer UP, as the spec requires.
     */
    public void applicationsDeployed() {
        deployed = true;
    }

    /** Back to the "applications expected but not deployed yet" state, e.g. while the server restarts. */
    public void applicationsNotDeployed() {
        deployed = false;
    }

    public boolean isApplicationsDeployed() {
        return deployed;
    }

    /**
     * One registered check. Besides identity it remembers the last name the check answered with (so a hung
     * check can be reported DOWN by that name) and its run in progress (so a hung check occupies at most one
     * thread however often it is evaluated).
     */
    public static final class Registration {
        private final long id;
        private final String owner;
        private final HealthKind kind;
        private final HealthCheck check;
        final AtomicReference<Run> inFlight = new AtomicReference<>();
        volatile String lastName;

        Registration(long id, String owner, HealthKind kind, HealthCheck check) {
            this.id = id;
            this.owner = owner;
            this.kind = kind;
            this.check = check;
        }

        public long id() {
            return id;
        }

        public String owner() {
            return owner;
        }

        public HealthKind kind() {
            return kind;
        }

        public HealthCheck check() {
            return check;
        }

        /** The name to report when the check gives no answer: its last answer's name, else its class name. */
        public String displayName() {
            String n = lastName;
            return n != null ? n : check.getClass().getName();
        }

        @Override
        public String toString() {
            return "Registration[" + id + " " + owner + " " + kind + " " + displayName() + "]";
        }
    }

    /** A check execution that may be shared by overlapping evaluations. */
    record Run(CompletableFuture<HealthCheckResponse> future, long startNanos, java.util.concurrent.atomic.AtomicBoolean called) {
    }
}
