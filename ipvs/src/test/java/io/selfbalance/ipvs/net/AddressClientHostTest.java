package io.selfbalance.ipvs.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.Addresses;
import org.junit.jupiter.api.Test;

/** Read-only rtnetlink on the host's own namespace: never changes the machine's interfaces. */
class AddressClientHostTest {
    @Test
    void readsLoopbackAndItsAddresses() {
        try (AddressClient c = AddressClient.open()) {
            LinkInfo lo = c.link("lo");
            assertEquals("lo", lo.name());
            assertTrue(lo.index() > 0);
            assertTrue(c.addresses(lo.index()).stream().anyMatch(a -> a.address().equals(Addresses.parse("127.0.0.1"))
                    && a.prefixLength() == 8 && a.scope() == AddressScope.HOST), c.addresses(lo.index()).toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.link("nosuchif0"));
            assertEquals("network interface 'nosuchif0' does not exist in this network namespace", e.getMessage());
        }
    }
}
