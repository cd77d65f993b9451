package io.selfbalance.ops;

import java.util.List;

/**
 * What the metrics read at scrape time. The composition implements it over its published, immutable status
 * snapshots: every method is called on the scraping thread (an HTTP worker), never on the control loop, so it must
 * only read published values, not touch protocol state. Event counts (transitions, weight changes, probe latencies)
 * are pushed separately through {@link OpsMetrics}.
 */
public interface ClusterMetricsSource {
    /** One entry per virtual router of this node. */
    List<RouterMetricsView> routers();

    /** Every configured node as this node sees it. */
    List<PeerHealthView> peers();

    /** The kernel's counters per IPVS destination of the services this node programs (empty unless master). */
    List<DestinationCounters> destinations();

    /** A source with nothing in it (before the cluster layer started). */
    ClusterMetricsSource EMPTY = new ClusterMetricsSource() {
        @Override
        public List<RouterMetricsView> routers() {
            return List.of();
        }

        @Override
        public List<PeerHealthView> peers() {
            return List.of();
        }

        @Override
        public List<DestinationCounters> destinations() {
            return List.of();
        }
    };
}
