package io.selfbalance.vrrp.linux;

import io.selfbalance.vrrp.VrrpTransportException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads the libc interfaces once and turns a failed call into an exception naming it. */
final class Libc {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SO_BINDTODEVICE = 25;
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    /** Each libc interface, loaded once per interface type (a racing second load is dropped, not used). */
    private static final ClassValue<Object> LIBRARIES = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            requireLinux64();
            return LibraryLoader.create(type).failImmediately().load("c");
        }
    };

    private Libc() {}

    static LibcSockets sockets() {
        return (LibcSockets) LIBRARIES.get(LibcSockets.class);
    }

    static LibcInterfaces interfaces() {
        return (LibcInterfaces) LIBRARIES.get(LibcInterfaces.class);
    }

    static LibcScheduling scheduling() {
        return (LibcScheduling) LIBRARIES.get(LibcScheduling.class);
    }

    private static void requireLinux64() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!"Linux".equals(os) || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            // the struct layouts and constants here are those of 64-bit Linux
            throw new VrrpTransportException("the raw VRRP transport needs 64-bit Linux (x86_64 or aarch64); this is "
                    + os + " " + arch, 0);
        }
    }

    static int errno() {
        return LastError.getLastError(Runtime.getRuntime(sockets()));
    }

    static String describe(int errno) {
        try {
            return "errno " + errno + " (" + interfaces().strerror(errno) + ")";
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }

    /** Returns {@code result} if not negative, else throws naming {@code call} and its arguments. */
    static long check(long result, String call) {
        if (result < 0) {
            int errno = errno();
            throw new VrrpTransportException(call + " failed: " + describe(errno), errno);
        }
        return result;
    }
}
