package io.selfbalance.vrrp;

/** VRRP packet types (the header's type nibble); VRRP defines only the advertisement. */
public enum VrrpPacketType {
    ADVERTISEMENT(1);

    private final int wireValue;

    VrrpPacketType(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }
}
