package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * Moves VRRP messages for one router. {@link LinuxRawTransport} uses a raw IP socket; tests may
 * use an in-memory network. Implementations deliver each received datagram to the receiver on
 * their own thread; the router validates it there and posts the result to its control loop.
 */
public interface VrrpTransport extends AutoCloseable {

    /**
     * Opens the transport and starts delivering datagrams to {@code receiver} and receive failures
     * to {@code errors} (both called on the transport's thread).
     */
    void start(Consumer<ReceivedDatagram> receiver, Consumer<Exception> errors) throws VrrpTransportException;

    /** Sends one VRRP message (the IP payload) to {@code destination} (the group or a unicast peer). */
    void send(byte[] message, InetAddress destination) throws VrrpTransportException;

    /** The primary address packets go out from (IPv6: the interface's link-local address). */
    InetAddress sourceAddress();

    /** Stops receiving and releases every resource; idempotent. */
    @Override
    void close();
}
