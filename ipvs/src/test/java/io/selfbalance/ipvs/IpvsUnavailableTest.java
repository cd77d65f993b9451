package io.selfbalance.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The host kernel of this project's machines has no IPVS: opening the client must say so, once, clearly. */
class IpvsUnavailableTest {

    @Test
    void hostKernelWithoutIpvsGivesOneClearError() {
        // Precondition stated, not assumed: this machine's kernel has no IPVS. If it ever does, the
        // assertion below would be meaningless, so fail loudly rather than pass by accident.
        assertEquals(false, Files.exists(Path.of("/proc/net/ip_vs")),
                "this test proves the no-IPVS error on a kernel without IPVS; /proc/net/ip_vs exists here");
        IpvsUnavailableException e = assertThrows(IpvsUnavailableException.class, IpvsClient::open);
        assertEquals("IPVS is not available in this kernel: load the ip_vs module", e.getMessage());
    }
}
