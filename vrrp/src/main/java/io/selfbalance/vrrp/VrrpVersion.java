package io.selfbalance.vrrp;

/** VRRP protocol versions, carrying the value of the header's version nibble. */
public enum VrrpVersion {
    /** RFC 3768: IPv4 only, interval in whole seconds, authentication fields. */
    V2(2),
    /** RFC 5798 / RFC 9568: IPv4 and IPv6, interval in centiseconds. */
    V3(3);

    private final int wireValue;

    VrrpVersion(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    /** The version with this wire value, or {@code null} when VRRP defines none. */
    public static VrrpVersion fromWire(int value) {
        for (VrrpVersion v : values()) {
            if (v.wireValue == value) {
                return v;
            }
        }
        return null;
    }
}
