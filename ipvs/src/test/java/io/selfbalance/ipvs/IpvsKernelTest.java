package io.selfbalance.ipvs;

import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * On a real IPVS kernel (user-mode-linux): client operations cross-checked with ipvsadm, ipvsadm's
 * tables read back by our dump, reconciler scenarios, address lifetimes and ARP sysctls, all in one
 * boot and one JVM (each boot plus JVM start costs seconds).
 */
class IpvsKernelTest {

    @Test
    void ipvsClientAgreesWithIpvsadmOnARealKernel() {
        UmlChecks.run("""
                set -e
                ip link add va type veth peer name vb
                ip link set va up && ip link set vb up
                """ + UmlKernel.javaCommand(IpvsKernelChecks.class) + "\n", Duration.ofMinutes(10), 86);
    }
}
