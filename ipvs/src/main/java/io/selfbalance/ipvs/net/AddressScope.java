package io.selfbalance.ipvs.net;

/** Address scopes ({@code RT_SCOPE_*}): a backup's VIP on {@code lo} is {@link #HOST}. */
public enum AddressScope {
    UNIVERSE(0), SITE(200), LINK(253), HOST(254), NOWHERE(255);

    private final int code;

    AddressScope(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static AddressScope of(int code) {
        for (AddressScope s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("address scope " + code + " unknown; allowed 0, 200, 253, 254, 255");
    }
}
