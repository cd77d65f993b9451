package io.selfbalance.vrrp.linux;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The libc socket calls the raw VRRP transport needs (Linux, LP64). */
public interface LibcSockets {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int option, @In byte[] value, int length);

    @SaveError
    int bind(int fd, @In byte[] address, int length);

    @SaveError
    @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address, int addressLength);

    @SaveError
    @ssize_t long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

    @SaveError
    @ssize_t long recvmsg(int fd, Pointer message, int flags);

    @SaveError
    int close(int fd);
}
