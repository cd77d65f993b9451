package io.selfbalance.health;

import org.eclipse.microprofile.health.HealthCheck;

/**
 * A check that answers from memory and never blocks (a flag, a volatile field): {@link HealthEvaluator} calls it on
 * the evaluating thread instead of handing it to its pool, so it costs no thread. Webapp checks never are: they may
 * block, and run on the pool with a time limit.
 */
public interface InstantCheck extends HealthCheck {
}
