package io.selfbalance.vrrp;

/**
 * VRRPv2 authentication types (RFC 3768 section 5.3.6). RFC 3768 removed authentication; only
 * {@link #NONE} is sent, but the field is compared on receive as keepalived does.
 */
public enum AuthType {
    NONE(0),
    /** Reserved, formerly simple text password. */
    SIMPLE_TEXT(1),
    /** Reserved, formerly IP Authentication Header. */
    IP_AH(2);

    private final int wireValue;

    AuthType(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    /** The type with this wire value, or {@code null} for an undefined value. */
    public static AuthType fromWire(int value) {
        for (AuthType t : values()) {
            if (t.wireValue == value) {
                return t;
            }
        }
        return null;
    }
}
