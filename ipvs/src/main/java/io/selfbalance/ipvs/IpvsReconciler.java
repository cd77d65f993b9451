package io.selfbalance.ipvs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the kernel's IPVS table to a desired table with the fewest operations, touching only the
 * services it owns (an explicit set of service keys; everything else in the kernel is left alone).
 *
 * <p>It keeps the view of its owned services it last read or wrote, so a reconciliation that changes
 * one weight sends exactly one message. The view is re-read from the kernel on the first
 * reconciliation, after {@link #resync()}, and after any operation that did not apply cleanly.
 * Not thread-safe: one owner thread.
 */
public final class IpvsReconciler {
    private final IpvsClient client;
    private final Set<IpvsService.Key> owned;
    private Map<IpvsService.Key, IpvsTable.Entry> known; // null = must read the kernel

    public IpvsReconciler(IpvsClient client, Set<IpvsService.Key> owned) {
        this.client = client;
        this.owned = new LinkedHashSet<>(owned);
    }

    /** The service keys this reconciler may create, change and delete. */
    public Set<IpvsService.Key> owned() {
        return Set.copyOf(owned);
    }

    /** Forget the cached view: the next reconciliation re-reads the kernel (others may have changed it). */
    public void resync() {
        known = null;
    }

    /** What a reconciliation did: each operation with its outcome, in the order sent. */
    public record Report(List<IpvsClient.Result> results) {
        public List<IpvsOperation> operations() {
            return results.stream().map(IpvsClient.Result::operation).toList();
        }

        public boolean failed() {
            return results.stream().anyMatch(IpvsClient.Result::failed);
        }

        public boolean changedNothing() {
            return results.isEmpty();
        }
    }

    /**
     * Makes the owned part of the kernel table equal to {@code desired}. Every service of
     * {@code desired} must be owned; owned services missing from {@code desired} are deleted.
     */
    public Report reconcile(IpvsTable desired) {
        for (IpvsTable.Entry e : desired.entries()) {
            if (!owned.contains(e.service().key())) {
                throw new IllegalArgumentException("desired service " + e.service().key()
                        + " is not owned by this reconciler; owned: " + owned);
            }
        }
        if (known == null) {
            known = readOwned();
        }
        List<IpvsOperation> ops = plan(desired, new IpvsTable(new ArrayList<>(known.values())), owned);
        if (ops.isEmpty()) {
            return new Report(List.of());
        }
        List<IpvsClient.Result> results = client.apply(ops);
        boolean clean = true;
        for (IpvsClient.Result r : results) {
            if (r.status() == IpvsClient.Status.APPLIED) {
                record(r.operation());
            } else {
                clean = false;
            }
        }
        if (!clean) {
            known = null;
        }
        return new Report(results);
    }

    private Map<IpvsService.Key, IpvsTable.Entry> readOwned() {
        Map<IpvsService.Key, IpvsTable.Entry> view = new LinkedHashMap<>();
        for (IpvsService s : client.services()) {
            if (owned.contains(s.key())) {
                List<IpvsDestination> dests = new ArrayList<>();
                for (IpvsDestination d : client.destinations(s.key())) {
                    dests.add(d.settings());
                }
                view.put(s.key(), new IpvsTable.Entry(s, dests));
            }
        }
        return view;
    }

    private void record(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            known.put(a.service().key(), new IpvsTable.Entry(a.service(), List.of()));
        } else if (op instanceof IpvsOperation.EditService e) {
            IpvsTable.Entry old = known.get(e.service().key());
            known.put(e.service().key(), new IpvsTable.Entry(e.service(), old == null ? List.of() : old.destinations()));
        } else if (op instanceof IpvsOperation.DeleteService d) {
            known.remove(d.service());
        } else if (op instanceof IpvsOperation.AddDestination a) {
            updateDestinations(a.service(), m -> m.put(a.destination().key(), a.destination().settings()));
        } else if (op instanceof IpvsOperation.EditDestination e) {
            updateDestinations(e.service(), m -> m.put(e.destination().key(), e.destination().settings()));
        } else if (op instanceof IpvsOperation.DeleteDestination d) {
            updateDestinations(d.service(), m -> m.remove(d.destination()));
        }
    }

    private void updateDestinations(IpvsService.Key key, java.util.function.Consumer<Map<IpvsDestination.Key, IpvsDestination>> change) {
        IpvsTable.Entry e = known.get(key);
        if (e == null) {
            known = null;
            return;
        }
        Map<IpvsDestination.Key, IpvsDestination> m = new LinkedHashMap<>();
        e.destinations().forEach(d -> m.put(d.key(), d));
        change.accept(m);
        known.put(key, new IpvsTable.Entry(e.service(), new ArrayList<>(m.values())));
    }

    /**
     * The fewest operations that turn the owned part of {@code current} into {@code desired}: a
     * changed scheduler or persistence is an edit, not a re-creation; a changed weight, threshold or
     * forwarding method is one destination edit; services not in {@code owned} are never touched.
     */
    public static List<IpvsOperation> plan(IpvsTable desired, IpvsTable current, Set<IpvsService.Key> owned) {
        List<IpvsOperation> ops = new ArrayList<>();
        for (IpvsTable.Entry want : desired.entries()) {
            IpvsService.Key key = want.service().key();
            if (!owned.contains(key)) {
                throw new IllegalArgumentException("desired service " + key + " is not owned; owned: " + owned);
            }
            IpvsTable.Entry have = current.find(key);
            if (have == null) {
                ops.add(new IpvsOperation.AddService(want.service()));
                for (IpvsDestination d : want.destinations()) {
                    ops.add(new IpvsOperation.AddDestination(key, d.settings()));
                }
                continue;
            }
            if (!want.service().sameSettings(have.service())) {
                ops.add(new IpvsOperation.EditService(want.service()));
            }
            Map<IpvsDestination.Key, IpvsDestination> wanted = new HashMap<>();
            want.destinations().forEach(d -> wanted.put(d.key(), d));
            Map<IpvsDestination.Key, IpvsDestination> present = new HashMap<>();
            for (IpvsDestination d : have.destinations()) {
                present.put(d.key(), d);
                if (!wanted.containsKey(d.key())) {
                    ops.add(new IpvsOperation.DeleteDestination(key, d.key()));
                }
            }
            for (IpvsDestination d : want.destinations()) {
                IpvsDestination p = present.get(d.key());
                if (p == null) {
                    ops.add(new IpvsOperation.AddDestination(key, d.settings()));
                } else if (!p.sameSettings(d)) {
                    ops.add(new IpvsOperation.EditDestination(key, d.settings()));
                }
            }
        }
        for (IpvsTable.Entry have : current.entries()) {
            IpvsService.Key key = have.service().key();
            if (owned.contains(key) && desired.find(key) == null) {
                ops.add(new IpvsOperation.DeleteService(key));
            }
        }
        return ops;
    }
}
