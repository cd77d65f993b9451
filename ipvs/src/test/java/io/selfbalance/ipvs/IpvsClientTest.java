package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.selfbalance.ipvs.netlink.Errno;
import io.selfbalance.ipvs.netlink.FakeNetlinkSocket;
import io.selfbalance.ipvs.netlink.NetlinkConnection;
import io.selfbalance.ipvs.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message logic of the client against {@link FakeIpvsKernel}; the real kernel is in {@link IpvsKernelTest}. */
class IpvsClientTest {
    final IpvsService web = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");

    @Test
    void operationsChangeTheTableAndRepeatsAreHarmless() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsClient c = k.client();
        assertEquals("1.2.1", c.info().versionString());
        c.addService(web);
        c.addService(web);
        IpvsDestination d = IpvsDestination.directRoute(parse("192.168.77.11"), 80, 1);
        c.addDestination(web.key(), d);
        c.addDestination(web.key(), d);
        c.setWeight(web.key(), d, 9);
        assertEquals(List.of(web), c.services());
        assertEquals(List.of(d.withWeight(9)), c.destinations(web.key()).stream().map(IpvsDestination::settings).toList());
        c.deleteDestination(web.key(), d.key());
        c.deleteDestination(web.key(), d.key());
        c.deleteService(web.key());
        c.deleteService(web.key());
        assertEquals(List.of(), c.services());
        NetlinkException e = assertThrows(NetlinkException.class, () -> c.editService(web));
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("edit service TCP 192.168.77.254:80 wrr", e.operation());
    }

    @Test
    void batchReportsEachOutcomeAndKeepsGoingAfterAFailure() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsClient c = k.client();
        c.addService(web);
        List<IpvsOperation> ops = List.of(
                new IpvsOperation.AddService(web),
                new IpvsOperation.EditDestination(web.key(), IpvsDestination.directRoute(parse("10.0.0.1"), 80, 1)),
                new IpvsOperation.AddDestination(web.key(), IpvsDestination.directRoute(parse("10.0.0.2"), 80, 1)));
        List<IpvsClient.Result> r = c.apply(ops);
        assertEquals(List.of(IpvsClient.Status.ALREADY_DONE, IpvsClient.Status.FAILED, IpvsClient.Status.APPLIED),
                r.stream().map(IpvsClient.Result::status).toList());
        assertEquals(Errno.ENOENT, r.get(1).error().errno());
        assertEquals(1, k.destinations.get(web.key()).size());
    }

    @Test
    void thousandDestinationsGoOutInEightSends() {
        FakeIpvsKernel k = new FakeIpvsKernel();
        IpvsClient c = k.client();
        List<IpvsOperation> ops = new ArrayList<>();
        ops.add(new IpvsOperation.AddService(web));
        for (int i = 0; i < 999; i++) {
            ops.add(new IpvsOperation.AddDestination(web.key(),
                    IpvsDestination.directRoute(parse("10.1." + (i / 250) + "." + (i % 250 + 1)), 80, 1)));
        }
        long sendsBefore = c.connection().sends();
        c.applyOrThrow(ops);
        assertEquals(8, c.connection().sends() - sendsBefore); // ceil(1000 / 128)
        assertEquals(999, k.destinations.get(web.key()).size());
        assertEquals(999, c.destinations(web.key()).size());
    }

    @Test
    void missingFamilyIsTheIpvsUnavailableError() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(List.of(FakeNetlinkSocket.ack(sent.get(0), Errno.ENOENT))));
        IpvsUnavailableException e = assertThrows(IpvsUnavailableException.class, () -> new IpvsClient(new NetlinkConnection(s)));
        assertEquals(IpvsUnavailableException.MESSAGE, e.getMessage());
    }
}
