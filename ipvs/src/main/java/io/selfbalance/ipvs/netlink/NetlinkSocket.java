package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;

/**
 * A netlink socket bound to the kernel: the only part of the netlink stack that talks to the OS, so
 * everything above it can be tested against a fake.
 */
public interface NetlinkSocket extends AutoCloseable {

    /** The port id the kernel assigned to this socket (replies carry it). */
    int portId();

    /** Sends one datagram holding one or more concatenated messages. */
    void send(byte[] datagram, int length);

    /**
     * Receives one datagram from the kernel into {@code buffer} (cleared first, flipped after); throws
     * when none arrives within the socket's receive timeout.
     */
    void receive(ByteBuffer buffer);

    @Override
    void close();
}
