package io.selfbalance.ops;

/** The hooks, named after keepalived's keywords; {@link #configKey()} is the Selfbalance configuration key. */
public enum NotifyHook {
    MASTER("notify_master", "selfbalance.notify.master"),
    BACKUP("notify_backup", "selfbalance.notify.backup"),
    FAULT("notify_fault", "selfbalance.notify.fault"),
    STOP("notify_stop", "selfbalance.notify.stop"),
    /** Runs after the state's own hook, for every state, with {@code INSTANCE <name> <STATE> <priority>} appended. */
    NOTIFY("notify", "selfbalance.notify.notify");

    private final String keepalivedName;
    private final String configKey;

    NotifyHook(String keepalivedName, String configKey) {
        this.keepalivedName = keepalivedName;
        this.configKey = configKey;
    }

    public String keepalivedName() {
        return keepalivedName;
    }

    public String configKey() {
        return configKey;
    }

    /** The state-specific hook for {@code state}. */
    public static NotifyHook forState(NotifyState state) {
        return switch (state) {
            case MASTER -> MASTER;
            case BACKUP -> BACKUP;
            case FAULT -> FAULT;
            case STOP -> STOP;
        };
    }
}
