package io.selfbalance.health.checks;

import java.util.Objects;

/**
 * What the VRRP router reports about one virtual router, as plain values (the health module does not know the
 * vrrp module).
 *
 * @param vrid the virtual router id, 1..255
 * @param role the current state
 * @param priority the priority currently advertised, 0..255
 * @param masterAddress the current master's primary address as text, or {@code null} when unknown
 */
public record VrrpStatus(int vrid, Role role, int priority, String masterAddress) {

    /** RFC 5798 states, plus FAULT for a router that cannot run (interface down, socket error). */
    public enum Role {
        INITIALIZE, BACKUP, MASTER, FAULT
    }

    public VrrpStatus {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid: " + vrid + " is not allowed; use 1..255");
        }
        Objects.requireNonNull(role, "role");
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority: " + priority + " is not allowed; use 0..255");
        }
    }
}
