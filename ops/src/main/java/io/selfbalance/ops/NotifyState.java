package io.selfbalance.ops;

/**
 * The target state words keepalived passes to its {@code notify} script (always upper case). {@link #STOP} is
 * sent when the router stops (keepalived's {@code notify_stop}).
 */
public enum NotifyState {
    MASTER, BACKUP, FAULT, STOP;

    /** The notify state for entering {@code state}: INITIALIZE (a stopped router) maps to STOP. */
    public static NotifyState of(RouterState state) {
        return switch (Checks.present("state", state)) {
            case MASTER -> MASTER;
            case BACKUP -> BACKUP;
            case FAULT -> FAULT;
            case INITIALIZE -> STOP;
        };
    }
}
