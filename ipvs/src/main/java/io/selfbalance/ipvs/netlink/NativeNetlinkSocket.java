package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/** A real {@code AF_NETLINK} socket (jnr-ffi), bound with a kernel-assigned port id. */
public final class NativeNetlinkSocket implements NetlinkSocket {
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_RCVBUFFORCE = 33;
    static final int MSG_TRUNC = 0x20;
    private static final int SOCKADDR_NL_LENGTH = 12;

    private final SocketCalls calls;
    private final int fd;
    private final int protocol;
    private final int portId;
    private final long receiveTimeoutMillis;
    private final byte[] source = new byte[SOCKADDR_NL_LENGTH];
    private final int[] sourceLength = new int[1];
    private boolean closed;

    private NativeNetlinkSocket(SocketCalls calls, int fd, int protocol, int portId, long receiveTimeoutMillis) {
        this.calls = calls;
        this.fd = fd;
        this.protocol = protocol;
        this.portId = portId;
        this.receiveTimeoutMillis = receiveTimeoutMillis;
    }

    /**
     * Opens and binds a netlink socket for {@code protocol} ({@link Netlink#NETLINK_GENERIC},
     * {@link Netlink#NETLINK_ROUTE}); a receive that waits longer than {@code receiveTimeout} fails.
     */
    public static NativeNetlinkSocket open(int protocol, Duration receiveTimeout) {
        SocketCalls c = Native.sockets();
        String what = "AF_NETLINK, SOCK_RAW, protocol " + protocol;
        int fd = (int) Native.check(c.socket(Netlink.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol), "socket", what);
        try {
            byte[] addr = sockaddrNl(0);
            Native.check(c.bind(fd, addr, addr.length), "bind", "netlink fd " + fd + ", port id 0");
            byte[] bound = new byte[SOCKADDR_NL_LENGTH];
            int[] len = {bound.length};
            Native.check(c.getsockname(fd, bound, len), "getsockname", "netlink fd " + fd);
            int pid = ByteBuffer.wrap(bound).order(ByteOrder.nativeOrder()).getInt(4);
            // Best effort: errors without the echoed request, with the kernel's explanation text.
            setInt(c, fd, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1);
            setInt(c, fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
            // Batches are acked once per send, but dumps of large tables arrive quickly: a larger
            // buffer (forced when privileged) keeps the kernel from dropping replies.
            if (!setInt(c, fd, SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)) {
                setInt(c, fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
            }
            setInt(c, fd, SOL_SOCKET, SO_SNDBUF, 1 << 20);
            long ms = Math.max(1, receiveTimeout.toMillis());
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                    .putLong(ms / 1000).putLong((ms % 1000) * 1000).array();
            Native.check(c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length), "setsockopt",
                    "netlink fd " + fd + ", SO_RCVTIMEO " + ms + " ms");
            return new NativeNetlinkSocket(c, fd, protocol, pid, ms);
        } catch (RuntimeException e) {
            c.close(fd);
            throw e;
        }
    }

    private static boolean setInt(SocketCalls c, int fd, int level, int option, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        return c.setsockopt(fd, level, option, v, 4) == 0;
    }

    static byte[] sockaddrNl(int pid) {
        return ByteBuffer.allocate(SOCKADDR_NL_LENGTH).order(ByteOrder.nativeOrder())
                .putShort((short) Netlink.AF_NETLINK).putShort((short) 0).putInt(pid).putInt(0).array();
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void send(byte[] datagram, int length) {
        ensureOpen();
        byte[] kernel = sockaddrNl(0);
        long n;
        do {
            n = calls.sendto(fd, datagram, length, 0, kernel, kernel.length);
        } while (n < 0 && Native.lastErrno() == Errno.EINTR);
        Native.check(n, "sendto", "netlink fd " + fd + " (protocol " + protocol + "), " + length + " bytes");
        if (n != length) {
            throw new NetlinkFormatException("sendto sent " + n + " of " + length + " bytes");
        }
    }

    @Override
    public void receive(ByteBuffer buffer) {
        ensureOpen();
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("netlink receive needs a direct buffer");
        }
        while (true) {
            buffer.clear();
            sourceLength[0] = source.length;
            long n = calls.recvfrom(fd, buffer, buffer.capacity(), MSG_TRUNC, source, sourceLength);
            if (n < 0) {
                int errno = Native.lastErrno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    throw new NativeCallException("recvfrom", "netlink fd " + fd + ": no reply from the kernel within "
                            + receiveTimeoutMillis + " ms", errno);
                }
                throw new NativeCallException("recvfrom", "netlink fd " + fd + " (protocol " + protocol + ")", errno);
            }
            if (n > buffer.capacity()) {
                throw new NetlinkFormatException("netlink datagram of " + n + " bytes does not fit the "
                        + buffer.capacity() + "-byte receive buffer");
            }
            int senderPid = ByteBuffer.wrap(source).order(ByteOrder.nativeOrder()).getInt(4);
            if (senderPid != 0) {
                continue; // only the kernel may talk to us; drop anything a process sent
            }
            buffer.position(0).limit((int) n);
            return;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket (fd " + fd + ") is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.check(calls.close(fd), "close", "netlink fd " + fd);
        }
    }
}
