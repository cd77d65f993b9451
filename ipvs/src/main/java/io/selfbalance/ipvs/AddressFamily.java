package io.selfbalance.ipvs;

import java.net.Inet4Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the kernel's {@code AF_*} numbers and address sizes. */
public enum AddressFamily {
    INET(2, 4), INET6(10, 16);

    private final int number;
    private final int addressLength;

    AddressFamily(int number, int addressLength) {
        this.number = number;
        this.addressLength = addressLength;
    }

    public int number() {
        return number;
    }

    public int addressLength() {
        return addressLength;
    }

    public int maxPrefixLength() {
        return addressLength * 8;
    }

    public static AddressFamily of(InetAddress address) {
        return address instanceof Inet4Address ? INET : INET6;
    }

    public static AddressFamily of(int number) {
        return switch (number) {
            case 2 -> INET;
            case 10 -> INET6;
            default -> throw new IllegalArgumentException("address family " + number + " is neither AF_INET (2) nor AF_INET6 (10)");
        };
    }
}
