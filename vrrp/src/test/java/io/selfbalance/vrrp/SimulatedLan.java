package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An in-memory L2 segment on a virtual clock: every attached transport whose link is up receives
 * the others' multicast messages (and unicast messages addressed to it) after {@code latencyNanos},
 * with TTL 255. Used to run several real {@link VrrpRouter}s deterministically.
 */
final class SimulatedLan {
    final VirtualTimeControlLoop loop;
    final IpFamily family;
    final List<Port> ports = new ArrayList<>();
    long latencyNanos;

    record Sent(long atNanos, InetAddress destination, byte[] message) {}

    SimulatedLan(VirtualTimeControlLoop loop, IpFamily family) {
        this.loop = loop;
        this.family = family;
    }

    Port attach(InetAddress address) {
        Port p = new Port(address);
        ports.add(p);
        return p;
    }

    /** Delivers a message from {@code source} (which need not be a port) to every port that would hear it. */
    void deliver(InetAddress source, InetAddress destination, byte[] message, int ttl) {
        for (Port p : ports) {
            if (p.address.equals(source) || !p.linkUp || p.receiver == null || p.closed) {
                continue;
            }
            if (destination.isMulticastAddress() || destination.equals(p.address)) {
                Consumer<ReceivedDatagram> rx = p.receiver;
                ReceivedDatagram d = new ReceivedDatagram(family, source, destination, ttl, message);
                loop.schedule(() -> {
                    if (p.linkUp && !p.closed) {
                        rx.accept(d);
                    }
                }, latencyNanos);
            }
        }
    }

    /** Sends {@code adv} from a foreign router at {@code source} to the group, encoded as keepalived does. */
    void inject(InetAddress source, VrrpAdvertisement adv) {
        InetAddress group = family.vrrpGroup();
        deliver(source, group, VrrpCodec.encode(adv, source, group, ChecksumMode.WITH_PSEUDO_HEADER), 255);
    }

    final class Port implements VrrpTransport {
        final InetAddress address;
        final List<Sent> sent = new ArrayList<>();
        boolean linkUp = true;
        boolean closed;
        int starts;
        Consumer<ReceivedDatagram> receiver;

        Port(InetAddress address) {
            this.address = address;
        }

        @Override
        public void start(Consumer<ReceivedDatagram> rx, Consumer<Exception> errors) {
            starts++;
            receiver = rx;
        }

        @Override
        public void send(byte[] message, InetAddress destination) {
            if (closed) {
                throw new VrrpTransportException("send on closed port " + address, 9);
            }
            sent.add(new Sent(loop.nanoTime(), destination, message));
            if (linkUp) {
                deliver(address, destination, message, 255);
            }
        }

        @Override
        public InetAddress sourceAddress() {
            return address;
        }

        @Override
        public void close() {
            closed = true;
        }

        /** Decoded priorities of everything this port sent, with send times. */
        List<long[]> sentPriorities() {
            List<long[]> out = new ArrayList<>();
            for (Sent s : sent) {
                out.add(new long[] {s.atNanos(), s.message()[2] & 0xff});
            }
            return out;
        }
    }
}
