package io.selfbalance.vrrp;

import io.selfbalance.vrrp.linux.RawSockets;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

/**
 * VRRP over Linux raw IP sockets (protocol 112) on one interface, through jnr-ffi.
 *
 * <p>Like keepalived it uses two sockets: a receive socket bound to the device only (a raw socket
 * bound to an address would not see packets sent to the multicast group), joined to 224.0.0.18 /
 * ff02::12 on that interface; and a send socket bound to the device and to the primary address
 * (so that is the source), with TTL / hop limit 255 and multicast loop off. IPv4 receive reads the
 * IP header for the TTL; IPv6 receive asks the kernel for the hop limit and destination
 * (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO) with recvmsg. A daemon reader thread blocks in receive
 * (with a short timeout so close() can stop it) and hands every packet to the receiver.
 */
public final class LinuxRawTransport implements VrrpTransport {
    private final String interfaceName;
    private final IpFamily family;
    private final InetAddress source;
    private final boolean multicast;
    private RawSockets sockets;
    private Thread reader;
    private volatile boolean closed;
    private Runnable onReaderThread = () -> { };

    /**
     * @param interfaceName   the interface, e.g. {@code eth0}
     * @param family          IPv4 or IPv6
     * @param primaryAddress  source address, or {@code null} for the interface's first IPv4 address
     *                        (IPv6: its link-local address)
     * @param multicast       whether to join the VRRP group (false in unicast mode)
     */
    public LinuxRawTransport(String interfaceName, IpFamily family, InetAddress primaryAddress, boolean multicast) {
        this.interfaceName = interfaceName;
        this.family = family;
        this.multicast = multicast;
        this.source = primaryAddress != null ? primaryAddress : primaryAddressOf(interfaceName, family);
    }

    /** The transport a router with {@code settings} needs. */
    public static LinuxRawTransport forSettings(VrrpRouterSettings settings) {
        return new LinuxRawTransport(settings.interfaceName(), settings.family(), settings.primaryAddress(),
                settings.unicastPeers().isEmpty());
    }

    /**
     * The interface's first IPv4 address, or for IPv6 its link-local address, as the JDK lists them.
     * The JDK reads IPv6 addresses from {@code /proc/net/if_inet6}, i.e. in the network namespace of
     * the process's main thread: a thread that entered another namespace with setns must pass the
     * primary address explicitly.
     */
    public static InetAddress primaryAddressOf(String interfaceName, IpFamily family) {
        NetworkInterface ni;
        try {
            ni = NetworkInterface.getByName(interfaceName);
        } catch (SocketException e) {
            throw new VrrpTransportException("cannot read interface " + interfaceName + ": " + e.getMessage(), e);
        }
        if (ni == null) {
            throw new VrrpTransportException("interface " + interfaceName + " does not exist", 19);
        }
        List<InetAddress> all = java.util.Collections.list(ni.getInetAddresses());
        // NetworkInterface lists addresses newest first; the primary (first added) IPv4 address is last
        java.util.Collections.reverse(all);
        for (InetAddress a : all) {
            if (family == IpFamily.IPV4 && a instanceof Inet4Address) {
                return a;
            }
            if (family == IpFamily.IPV6 && a instanceof Inet6Address && a.isLinkLocalAddress()) {
                return a;
            }
        }
        throw new VrrpTransportException("interface " + interfaceName + " has no "
                + (family == IpFamily.IPV4 ? "IPv4" : "IPv6 link-local") + " address", 99);
    }

    /**
     * Runs {@code setup} first on the reader thread when it starts (e.g. its scheduling priority, see
     * {@link io.selfbalance.vrrp.linux.ThreadNice}); a failure there is the setup's to report: the reader runs anyway.
     * Call before {@link #start}.
     */
    public synchronized LinuxRawTransport onReaderThread(Runnable setup) {
        this.onReaderThread = java.util.Objects.requireNonNull(setup, "setup");
        return this;
    }

    /**
     * Opens and configures the sockets now, in the calling thread's network namespace, so that
     * configuration errors surface early; {@link #start} opens them itself when this was not called.
     */
    public synchronized void open() {
        if (closed) {
            throw new IllegalStateException("transport on " + interfaceName + " is closed");
        }
        if (sockets == null) {
            sockets = RawSockets.open(interfaceName, family == IpFamily.IPV6, source, multicast);
        }
    }

    @Override
    public synchronized void start(Consumer<ReceivedDatagram> receiver, Consumer<Exception> errors) {
        if (reader != null || closed) {
            throw new IllegalStateException("transport on " + interfaceName + " already started or closed");
        }
        open();
        RawSockets s = sockets;
        Runnable setup = onReaderThread;
        reader = new Thread(() -> {
            try {
                setup.run();
            } catch (RuntimeException e) {
                // the setup reports its own failures; receiving matters more
            }
            readLoop(s, receiver, errors);
        }, "vrrp-rx-" + interfaceName + "-" + family);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(RawSockets s, Consumer<ReceivedDatagram> receiver, Consumer<Exception> errors) {
        int failures = 0;
        while (!closed) {
            try {
                ReceivedDatagram d = s.receive();
                failures = 0;
                if (d != null) {
                    receiver.accept(d);
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                errors.accept(e);
                if (++failures > 3) {
                    // back off instead of spinning on a persistent error (e.g. interface gone)
                    try {
                        Thread.sleep(Math.min(1000, 50L * failures));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void send(byte[] message, InetAddress destination) {
        RawSockets s = sockets;
        if (s == null || closed) {
            throw new VrrpTransportException("send on " + interfaceName + " before start or after close", 9);
        }
        s.send(message, destination);
    }

    @Override
    public InetAddress sourceAddress() {
        return source;
    }

    @Override
    public void close() {
        Thread r;
        RawSockets s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = reader;
            s = sockets;
        }
        if (r != null && r != Thread.currentThread()) {
            try {
                r.join(2000); // the receive timeout (200 ms) bounds this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (s != null) {
            s.close();
        }
    }
}
