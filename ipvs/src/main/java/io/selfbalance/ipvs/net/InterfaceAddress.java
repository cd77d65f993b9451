package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.AddressFamily;
import io.selfbalance.ipvs.Addresses;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An address on an interface: the interface index, the address and prefix length, its scope and
 * lifetime. When read from the kernel the lifetime is what remains and {@code flags} holds the
 * kernel's {@code IFA_F_*} flags; when written, flags are what to request (e.g. {@code NODAD}).
 */
public record InterfaceAddress(int interfaceIndex, InetAddress address, int prefixLength, AddressScope scope,
                               AddressLifetime lifetime, int flags) {
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DEPRECATED = 0x20;
    public static final int IFA_F_PERMANENT = 0x80;
    /** No prefix route for this address (kernel 3.14+). */
    public static final int IFA_F_NOPREFIXROUTE = 0x200;

    public InterfaceAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(lifetime, "lifetime");
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex + " must be > 0");
        }
        int max = AddressFamily.of(address).maxPrefixLength();
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " outside 0.." + max
                    + " for " + Addresses.format(address));
        }
    }

    public static InterfaceAddress of(int interfaceIndex, InetAddress address, int prefixLength, AddressScope scope,
                                      AddressLifetime lifetime) {
        return new InterfaceAddress(interfaceIndex, address, prefixLength, scope, lifetime, 0);
    }

    public AddressFamily family() {
        return AddressFamily.of(address);
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + prefixLength + " on #" + interfaceIndex + " scope " + scope
                + (lifetime.equals(AddressLifetime.FOREVER) ? "" : " valid " + (lifetime.isForever() ? "forever" : lifetime.validSeconds() + "s")
                + " preferred " + lifetime.preferredSeconds() + "s");
    }
}
