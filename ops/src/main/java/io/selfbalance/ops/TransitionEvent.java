package io.selfbalance.ops;

import java.time.Duration;
import java.time.Instant;

/**
 * One state change of one virtual router on this node, as the composition reports it after acting on it.
 *
 * @param router the router's configured name (keepalived's instance name; passed to the notify hooks)
 * @param vrid the virtual router id, 1..255
 * @param from the state it left
 * @param to the state it entered
 * @param cause why, as the VRRP engine names it (e.g. {@code MASTER_DOWN_TIMEOUT}, {@code PREEMPT}, {@code RESIGN})
 * @param peer the other router involved (the new master, the higher-priority sender...), or null
 * @param priority this router's priority after the change (keepalived's fourth {@code notify} argument), 0..255
 * @param at when the state changed (wall clock)
 * @param timeInPreviousState how long the router had been in {@code from}, or null when unknown (first transition)
 * @param switchTook how long the data-plane work for the new state took (VIP, ARP/NA, IPVS), or null when none
 */
public record TransitionEvent(String router, int vrid, RouterState from, RouterState to, String cause, String peer,
                              int priority, Instant at, Duration timeInPreviousState, Duration switchTook) {
    public TransitionEvent {
        Checks.name("router", router);
        Checks.range("vrid", vrid, 1, 255);
        Checks.present("from", from);
        Checks.present("to", to);
        Checks.name("cause", cause);
        Checks.range("priority", priority, 0, 255);
        Checks.present("at", at);
        Checks.optionalDuration("timeInPreviousState", timeInPreviousState);
        Checks.optionalDuration("switchTook", switchTook);
    }
}
