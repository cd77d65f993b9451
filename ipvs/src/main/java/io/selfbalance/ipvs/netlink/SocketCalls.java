package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc socket calls the data plane needs (netlink, packet and raw ICMPv6 sockets), loaded with
 * jnr-ffi. Every call saves errno so {@link Native#check} can turn a failure into an exception naming
 * the call and its argument.
 */
public interface SocketCalls {
    @SaveError int socket(int domain, int type, int protocol);

    @SaveError int bind(int fd, @In byte[] address, int addressLength);

    @SaveError int getsockname(int fd, @Out byte[] address, @In @Out int[] addressLength);

    @SaveError int setsockopt(int fd, int level, int option, @In byte[] value, int valueLength);

    @SaveError @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags,
                                   @In byte[] address, int addressLength);

    @SaveError @ssize_t long recvfrom(int fd, @Out ByteBuffer buffer, @size_t long length, int flags,
                                     @Out byte[] address, @In @Out int[] addressLength);

    @SaveError int close(int fd);

    String strerror(int errno);
}
