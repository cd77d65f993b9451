package io.selfbalance.ipvs;

import java.util.Arrays;

/** The transport protocols an IPVS virtual service can match, with their IP protocol numbers. */
public enum IpvsProtocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    IpvsProtocol(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static IpvsProtocol of(int number) {
        for (IpvsProtocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        throw new IllegalArgumentException("IP protocol " + number + " is not one IPVS balances; allowed: "
                + Arrays.toString(values()) + " (6, 17, 132)");
    }
}
