package io.selfbalance.ipvs;

import java.util.Objects;

/**
 * One of the kernel's IPVS connection synchronisation threads ({@code IPVS_CMD_NEW_DAEMON}): a {@link Role#MASTER}
 * multicasts the connection entries its director creates and updates on {@code interfaceName}; a {@link Role#BACKUP}
 * receives them into its own connection table, so a director that takes over forwards the connections already open
 * to the same real servers instead of resetting them. Messages carry {@code syncId}; a backup takes only its own.
 * The kernel runs at most one of each role per network namespace (both may run at once).
 *
 * @param role          master (sends) or backup (receives)
 * @param interfaceName the interface the sync messages go out on / are received on (kernel limit: 15 characters)
 * @param syncId        the cluster's sync id, 0..255 (the kernel compares the low 8 bits)
 */
public record IpvsSyncDaemon(Role role, String interfaceName, int syncId) {

    /** {@code IP_VS_STATE_MASTER} and {@code IP_VS_STATE_BACKUP}. */
    public enum Role {
        MASTER(1), BACKUP(2);

        private final int state;

        Role(int state) {
            this.state = state;
        }

        /** The kernel's {@code IPVS_DAEMON_ATTR_STATE} value. */
        public int state() {
            return state;
        }

        static Role ofState(int state) {
            for (Role r : values()) {
                if (r.state == state) {
                    return r;
                }
            }
            throw new IllegalArgumentException("IPVS daemon state " + state + " is neither master (1) nor backup (2)");
        }
    }

    public IpvsSyncDaemon {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isEmpty() || interfaceName.length() > 15 || !interfaceName.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/')) {
            throw new IllegalArgumentException("interface name '" + interfaceName
                    + "' not allowed: 1-15 printable characters without '/' or spaces (IP_VS_IFNAME_MAXLEN)");
        }
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("sync id " + syncId + " not allowed: 0..255");
        }
    }

    @Override
    public String toString() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " sync daemon on " + interfaceName + " (sync id " + syncId + ")";
    }
}
