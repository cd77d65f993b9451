package io.selfbalance.ipvs.netlink;

/**
 * A request before it gets a sequence number: message type, flags besides REQUEST/ACK (e.g.
 * {@link Netlink#NLM_F_CREATE}), payload, and a human description of the operation for errors.
 */
public record NetlinkRequest(int type, int flags, byte[] payload, String operation) {
    public NetlinkRequest {
        if (operation == null || operation.isBlank()) {
            throw new IllegalArgumentException("a netlink request needs an operation description");
        }
        payload = payload == null ? new byte[0] : payload;
    }
}
