package io.selfbalance.ipvs;

/** How IPVS forwards packets to a destination ({@code IP_VS_CONN_F_*} forwarding methods). */
public enum Forwarding {
    /** Masquerading (NAT): {@code ipvsadm -m}. */
    NAT(0),
    /** Local node: the kernel reports this for destinations that are the director itself. */
    LOCAL(1),
    /** IP-in-IP tunnelling: {@code ipvsadm -i}. */
    TUNNEL(2),
    /** Direct routing (gatewaying): {@code ipvsadm -g}, what Selfbalance uses. */
    DIRECT_ROUTE(3);

    private final int code;

    Forwarding(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Forwarding of(int code) {
        for (Forwarding f : values()) {
            if (f.code == (code & 0x7)) {
                return f;
            }
        }
        throw new IllegalArgumentException("IPVS forwarding method " + code + " unknown; allowed 0 (NAT), 1 (local), 2 (tunnel), 3 (DR)");
    }
}
