package io.selfbalance.ops;

/**
 * A virtual router's state as operators see it. The composition maps the VRRP engine's states onto these;
 * {@link #FAULT} is a router that cannot take part (e.g. its interface is gone), as in keepalived.
 */
public enum RouterState {
    INITIALIZE, BACKUP, MASTER, FAULT
}
