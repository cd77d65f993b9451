package io.selfbalance.vrrp;

import java.net.InetAddress;

/**
 * One state transition.
 *
 * @param vrid      the router
 * @param from      state before
 * @param to        state after
 * @param cause     why
 * @param peer      the router whose advertisement caused it; for {@link TransitionCause#MASTER_DOWN_TIMEOUT} the
 *                  master last heard, which fell silent ({@code null} when none was heard since this router became
 *                  backup); {@code null} for a local call
 * @param atNanos   the control loop's clock at the transition
 */
public record StateChange(int vrid, VrrpState from, VrrpState to, TransitionCause cause, InetAddress peer, long atNanos) {}
