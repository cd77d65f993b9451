package io.selfbalance.ops;

/**
 * The one object the composition talks to: each event goes to the structured log, the metrics and (for
 * transitions) the notify hooks. Call the {@code on...} methods from the control loop; they never block (the hooks
 * run on the notify runner's own thread).
 */
public final class Observability implements AutoCloseable {
    private final OpsMetrics metrics;
    private final TransitionLog transitionLog;
    private final WeightChangeLog weightLog;
    private final NotifyRunner notifier;

    public Observability(ClusterMetricsSource source, NotifySettings notify) {
        this(new OpsMetrics(source), new TransitionLog(), new WeightChangeLog(), notify);
    }

    Observability(OpsMetrics metrics, TransitionLog transitionLog, WeightChangeLog weightLog, NotifySettings notify) {
        this.metrics = metrics;
        this.transitionLog = transitionLog;
        this.weightLog = weightLog;
        this.notifier = new NotifyRunner(Checks.present("notify", notify), metrics::recordNotify);
    }

    /** Logs, counts and notifies one router state change (INITIALIZE is announced to the hooks as STOP). */
    public void onTransition(TransitionEvent e) {
        transitionLog.log(e);
        metrics.recordTransition(e);
        notifier.submit(e.router(), NotifyState.of(e.to()), e.priority());
    }

    public void onWeightChange(WeightChangeEvent e) {
        weightLog.log(e);
        metrics.recordWeightChange(e);
    }

    public void onProbe(ProbeObservation p) {
        metrics.recordProbe(p);
    }

    public OpsMetrics metrics() {
        return metrics;
    }

    public MetricsExporter exporter() {
        return metrics.exporter();
    }

    public NotifyRunner notifier() {
        return notifier;
    }

    /** Lets queued hooks (e.g. the STOP hook of a shutdown) finish within one run's time limit. */
    @Override
    public void close() {
        notifier.close();
    }
}
