package io.selfbalance.vrrp.linux;

import io.selfbalance.vrrp.IpFamily;
import io.selfbalance.vrrp.ReceivedDatagram;
import io.selfbalance.vrrp.VrrpCodec;
import io.selfbalance.vrrp.VrrpTransportException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The pair of raw protocol-112 sockets of one interface (see {@code LinuxRawTransport}); owns both
 * file descriptors and closes them on every path.
 */
public final class RawSockets implements AutoCloseable {
    // the largest IP packet: a reassembled oversized datagram must reach the codec whole (and be
    // counted as LENGTH there), not be cut by recv and then vanish as an unreadable IP header
    private static final int BUFFER = 65536;
    private static final int RECEIVE_TIMEOUT_MS = 200;
    private static final int MSGHDR = 56;
    private static final int CONTROL = 128;

    private final LibcSockets libc;
    private final String interfaceName;
    private final boolean ipv6;
    private final int ifindex;
    private final int receiveFd;
    private final int sendFd;
    private final InetAddress localAddress;
    // receive buffers, used only by the reader thread
    private final byte[] buffer = new byte[BUFFER];
    private Pointer msg;
    private Pointer iov;
    private Pointer data;
    private Pointer name;
    private Pointer control;
    private volatile boolean closed;

    private RawSockets(LibcSockets libc, String interfaceName, boolean ipv6, int ifindex, int receiveFd, int sendFd,
                       InetAddress localAddress) {
        this.libc = libc;
        this.interfaceName = interfaceName;
        this.ipv6 = ipv6;
        this.ifindex = ifindex;
        this.receiveFd = receiveFd;
        this.sendFd = sendFd;
        this.localAddress = localAddress;
    }

    /** Opens and configures both sockets; on any failure closes what it opened and throws naming the call. */
    public static RawSockets open(String interfaceName, boolean ipv6, InetAddress source, boolean joinGroup) {
        LibcSockets libc = Libc.sockets();
        int ifindex = Libc.interfaces().if_nametoindex(interfaceName);
        if (ifindex == 0) {
            int errno = Libc.errno();
            throw new VrrpTransportException("if_nametoindex(\"" + interfaceName + "\") failed: " + Libc.describe(errno), errno);
        }
        int domain = ipv6 ? Libc.AF_INET6 : Libc.AF_INET;
        String dom = ipv6 ? "AF_INET6" : "AF_INET";
        int rx = -1;
        int tx = -1;
        try {
            rx = (int) Libc.check(libc.socket(domain, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, VrrpCodec.IP_PROTOCOL),
                    "socket(" + dom + ", SOCK_RAW, 112) for receive");
            tx = (int) Libc.check(libc.socket(domain, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, VrrpCodec.IP_PROTOCOL),
                    "socket(" + dom + ", SOCK_RAW, 112) for send");
            RawSockets s = new RawSockets(libc, interfaceName, ipv6, ifindex, rx, tx, source);
            s.configure(source, joinGroup);
            return s;
        } catch (RuntimeException e) {
            if (rx >= 0) {
                libc.close(rx);
            }
            if (tx >= 0) {
                libc.close(tx);
            }
            throw e;
        }
    }

    private void configure(InetAddress source, boolean joinGroup) {
        byte[] dev = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
        for (int fd : new int[] {receiveFd, sendFd}) {
            setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, dev, "SOL_SOCKET, SO_BINDTODEVICE, \"" + interfaceName + "\"");
        }
        // receive timeout so the reader thread notices close()
        setsockopt(receiveFd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO,
                le(16).putLong(0).putLong(RECEIVE_TIMEOUT_MS * 1000L).array(), "SOL_SOCKET, SO_RCVTIMEO, 200 ms");
        byte[] group = (ipv6 ? IpFamily.IPV6 : IpFamily.IPV4).vrrpGroup().getAddress();
        if (!ipv6) {
            if (joinGroup) {
                byte[] mreqn = le(12).put(group).putInt(0).putInt(ifindex).array();
                setsockopt(receiveFd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn,
                        "IPPROTO_IP, IP_ADD_MEMBERSHIP, 224.0.0.18 on ifindex " + ifindex);
            }
            byte[] ifreq = le(12).putInt(0).putInt(0).putInt(ifindex).array();
            setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, ifreq, "IPPROTO_IP, IP_MULTICAST_IF, ifindex " + ifindex);
            setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, intOpt(255), "IPPROTO_IP, IP_MULTICAST_TTL, 255");
            setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_TTL, intOpt(255), "IPPROTO_IP, IP_TTL, 255");
            setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, intOpt(0), "IPPROTO_IP, IP_MULTICAST_LOOP, 0");
            // precedence "internetwork control", as keepalived sends
            setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_TOS, intOpt(0xc0), "IPPROTO_IP, IP_TOS, 0xc0");
            byte[] sa = sockaddr(source);
            Libc.check(libc.bind(sendFd, sa, sa.length), "bind(send fd " + sendFd + ", " + source.getHostAddress() + ")");
        } else {
            if (joinGroup) {
                byte[] mreq = le(20).put(group).putInt(ifindex).array();
                setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_ADD_MEMBERSHIP, mreq,
                        "IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ff02::12 on ifindex " + ifindex);
            }
            setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, intOpt(1), "IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1");
            setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, intOpt(1), "IPPROTO_IPV6, IPV6_RECVPKTINFO, 1");
            setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, intOpt(ifindex), "IPPROTO_IPV6, IPV6_MULTICAST_IF, " + ifindex);
            setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, intOpt(255), "IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255");
            setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, intOpt(255), "IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255");
            setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, intOpt(0), "IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0");
            byte[] sa = sockaddr(source);
            Libc.check(libc.bind(sendFd, sa, sa.length), "bind(send fd " + sendFd + ", " + source.getHostAddress() + "%" + interfaceName + ")");
        }
    }

    private void setsockopt(int fd, int level, int option, byte[] value, String what) {
        Libc.check(libc.setsockopt(fd, level, option, value, value.length), "setsockopt(fd " + fd + ", " + what + ")");
    }

    /** Sends one VRRP message to {@code destination}; the kernel adds the IP header. */
    public void send(byte[] message, InetAddress destination) {
        byte[] sa = sockaddr(destination);
        long n = libc.sendto(sendFd, message, message.length, 0, sa, sa.length);
        Libc.check(n, "sendto(fd " + sendFd + ", " + message.length + " bytes, " + destination.getHostAddress() + " via " + interfaceName + ")");
    }

    /**
     * Blocks up to the receive timeout for one packet; returns {@code null} on timeout or for a packet
     * that is not IP protocol 112.
     */
    public ReceivedDatagram receive() {
        return ipv6 ? receive6() : receive4();
    }

    private ReceivedDatagram receive4() {
        long n = libc.recv(receiveFd, buffer, buffer.length, 0);
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return null;
            }
            throw new VrrpTransportException("recv(fd " + receiveFd + " on " + interfaceName + ") failed: " + Libc.describe(errno), errno);
        }
        return VrrpCodec.parseIpPacket(buffer, (int) n);
    }

    private ReceivedDatagram receive6() {
        if (msg == null) {
            Runtime rt = Runtime.getRuntime(libc);
            msg = Memory.allocateDirect(rt, MSGHDR, true);
            iov = Memory.allocateDirect(rt, 16, true);
            data = Memory.allocateDirect(rt, BUFFER, true);
            name = Memory.allocateDirect(rt, 28, true);
            control = Memory.allocateDirect(rt, CONTROL, true);
        }
        // struct msghdr (LP64): name, namelen, iov, iovlen, control, controllen, flags
        iov.putAddress(0, data.address());
        iov.putLong(8, BUFFER);
        msg.putAddress(0, name.address());
        msg.putInt(8, 28);
        msg.putAddress(16, iov.address());
        msg.putLong(24, 1);
        msg.putAddress(32, control.address());
        msg.putLong(40, CONTROL);
        msg.putInt(48, 0);
        long n = libc.recvmsg(receiveFd, msg, 0);
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return null;
            }
            throw new VrrpTransportException("recvmsg(fd " + receiveFd + " on " + interfaceName + ") failed: " + Libc.describe(errno), errno);
        }
        byte[] srcRaw = new byte[16];
        name.get(8, srcRaw, 0, 16);
        int hopLimit = -1;
        byte[] dstRaw = null;
        long controlLength = msg.getLong(40);
        long off = 0;
        while (off + 16 <= controlLength) {
            long len = control.getLong(off);
            int level = control.getInt(off + 8);
            int type = control.getInt(off + 12);
            if (len < 16 || off + len > controlLength) {
                break;
            }
            if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT) {
                hopLimit = control.getInt(off + 16);
            } else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO) {
                dstRaw = new byte[16];
                control.get(off + 16, dstRaw, 0, 16);
            }
            off += (len + 7) & ~7L;
        }
        byte[] payload = new byte[(int) Math.min(n, BUFFER)];
        data.get(0, payload, 0, payload.length);
        try {
            // IpFamily.address keeps an IPv4-mapped source an IPv6 address, so the pseudo-header checksum is right
            InetAddress src = IpFamily.IPV6.address(srcRaw);
            InetAddress dst = dstRaw != null ? IpFamily.IPV6.address(dstRaw) : IpFamily.IPV6.vrrpGroup();
            return new ReceivedDatagram(IpFamily.IPV6, src, dst, hopLimit, payload);
        } catch (IllegalArgumentException e) {
            throw new VrrpTransportException("bad address from recvmsg", e);
        }
    }

    private byte[] sockaddr(InetAddress a) {
        if (a instanceof Inet6Address a6) {
            int scope = a6.isLinkLocalAddress() || a6.isMulticastAddress() ? ifindex : 0;
            return le(28).putShort((short) Libc.AF_INET6).putShort((short) 0).putInt(0).put(a6.getAddress())
                    .putInt(scope).array();
        }
        return le(16).putShort((short) Libc.AF_INET).putShort((short) 0).put(a.getAddress()).putLong(0).array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static byte[] intOpt(int v) {
        return le(4).putInt(v).array();
    }

    public InetAddress localAddress() {
        return localAddress;
    }

    /** Closes both descriptors; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        int a = libc.close(receiveFd);
        int b = libc.close(sendFd);
        if (a < 0 || b < 0) {
            // the descriptors are released by the kernel even when close reports an error
            int errno = Libc.errno();
            throw new VrrpTransportException("close(fds " + receiveFd + ", " + sendFd + ") failed: " + Libc.describe(errno), errno);
        }
    }
}
