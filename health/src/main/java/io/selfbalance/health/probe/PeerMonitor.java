package io.selfbalance.health.probe;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import io.selfbalance.health.policy.RiseFall;

/**
 * Probes a set of peers every {@link ProbeSettings#interval()} and keeps rise/fall counts per peer: a peer becomes
 * DOWN after {@code fall} consecutive DOWN/ERROR results and UP again after {@code rise} UP results (its first result
 * decides at once). A peer still being probed when the next tick comes is not probed twice.
 *
 * <p>All state lives on one event executor (normally the control-plane event loop), where the listener is called
 * with every result; {@link #snapshot()} may be read from any thread.
 */
public final class PeerMonitor implements AutoCloseable {

    /**
     * One peer's counted state after a result.
     *
     * @param state stable state after rise/fall counting
     * @param changed whether this result changed {@code state}
     * @param last the result itself
     * @param streak consecutive results disagreeing with {@code state}
     */
    public record PeerState(PeerTarget peer, RiseFall.State state, boolean changed, ProbeResult last, int streak) {
    }

    private final PeerProber prober;
    private final EventExecutor loop;
    private final Consumer<PeerState> listener;
    private final Map<PeerTarget, RiseFall> counters = new LinkedHashMap<>();
    private final Set<PeerTarget> inFlight = new HashSet<>();
    private volatile Map<String, PeerState> snapshot = Map.of();
    private ScheduledFuture<?> ticks;

    public PeerMonitor(PeerProber prober, EventExecutor loop, Consumer<PeerState> listener) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Replaces the set of peers (from any thread); peers no longer listed lose their counts and connection. */
    public void setPeers(Collection<PeerTarget> peers) {
        Set<PeerTarget> wanted = Set.copyOf(peers);
        loop.execute(() -> {
            counters.keySet().removeIf(p -> {
                if (!wanted.contains(p)) {
                    prober.forget(p);
                    return true;
                }
                return false;
            });
            ProbeSettings s = prober.settings();
            for (PeerTarget p : peers) {
                counters.computeIfAbsent(p, x -> new RiseFall(s.rise(), s.fall(), RiseFall.State.UNKNOWN));
            }
            Map<String, PeerState> next = new LinkedHashMap<>(snapshot);
            next.keySet().removeIf(id -> wanted.stream().noneMatch(p -> p.id().equals(id)));
            snapshot = Map.copyOf(next);
        });
    }

    /** Starts probing: at once, then every interval. */
    public void start() {
        loop.execute(() -> {
            if (ticks == null) {
                long every = prober.settings().interval().toNanos();
                ticks = loop.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** The latest state of every peer, keyed by peer id. */
    public Map<String, PeerState> snapshot() {
        return snapshot;
    }

    private void tick() {
        for (PeerTarget p : counters.keySet()) {
            if (inFlight.add(p)) {
                prober.probe(p).thenAcceptAsync(this::onResult, loop);
            }
        }
    }

    private void onResult(ProbeResult r) {
        inFlight.remove(r.peer());
        RiseFall counter = counters.get(r.peer());
        if (counter == null) {
            return; // removed meanwhile
        }
        boolean changed = counter.record(r.outcome() == ProbeOutcome.UP);
        PeerState state = new PeerState(r.peer(), counter.state(), changed, r, counter.streak());
        Map<String, PeerState> next = new LinkedHashMap<>(snapshot);
        next.put(r.peer().id(), state);
        snapshot = Map.copyOf(next);
        listener.accept(state);
    }

    /** Stops probing (the prober itself stays open; close it separately). */
    @Override
    public void close() {
        loop.execute(() -> {
            if (ticks != null) {
                ticks.cancel(false);
                ticks = null;
            }
        });
    }
}
