package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.AddressFamily;
import io.selfbalance.ipvs.netlink.Errno;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkConnection;
import io.selfbalance.ipvs.netlink.NetlinkException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Interfaces and their addresses over rtnetlink ({@code NETLINK_ROUTE}), in the caller's network
 * namespace: look up an interface's index and MAC by name; list, add, refresh and delete addresses
 * with scope and lifetime; put a VIP on {@code lo} with host scope (what a DR backup holds).
 * Adding an address that exists and deleting one that is gone count as done. Not thread-safe.
 */
public final class AddressClient implements AutoCloseable {
    public static final String LOOPBACK = "lo";
    private final NetlinkConnection connection;

    public AddressClient(NetlinkConnection connection) {
        this.connection = connection;
    }

    public static AddressClient open() {
        return new AddressClient(NetlinkConnection.open(Netlink.NETLINK_ROUTE));
    }

    public NetlinkConnection connection() {
        return connection;
    }

    /** The interface called {@code name}; fails with a clear message when there is none. */
    public LinkInfo link(String name) {
        try {
            for (NetlinkMessage m : connection.execute(RouteNetlinkCodec.getLink(name))) {
                if (m.type() == RouteNetlinkCodec.RTM_NEWLINK) {
                    return RouteNetlinkCodec.decodeLink(m);
                }
            }
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new IllegalArgumentException("network interface '" + name + "' does not exist in this network namespace", e);
            }
            throw e;
        }
        throw new IllegalStateException("the kernel answered the lookup of " + name + " without a link");
    }

    /** Every address of interface {@code index} (both families). */
    public List<InterfaceAddress> addresses(int index) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (NetlinkMessage m : connection.dump(RouteNetlinkCodec.dumpAddresses(null))) {
            if (m.type() == RouteNetlinkCodec.RTM_NEWADDR) {
                InterfaceAddress a = RouteNetlinkCodec.decodeAddress(m);
                if (a.interfaceIndex() == index) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    public List<InterfaceAddress> addresses(String interfaceName) {
        return addresses(link(interfaceName).index());
    }

    /** Adds {@code address}; an address already there counts as done (its lifetime is not changed). */
    public void add(InterfaceAddress address) {
        try {
            connection.execute(RouteNetlinkCodec.newAddress(address, false));
        } catch (NetlinkException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    /** Adds or replaces {@code address}: the way to renew a finite lifetime before it runs out. */
    public void refresh(InterfaceAddress address) {
        connection.execute(RouteNetlinkCodec.newAddress(address, true));
    }

    /** Deletes {@code address}; an address already gone counts as done. */
    public void delete(InterfaceAddress address) {
        try {
            connection.execute(RouteNetlinkCodec.deleteAddress(address));
        } catch (NetlinkException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }

    /**
     * {@code vip/32} on {@code lo} with host scope, or {@code vip/128} on {@code lo} deprecated: a DR backup accepts
     * VIP traffic without announcing the VIP and without using it as a source address.
     * <p>IPv6 takes no scope from user space (the kernel derives it from the address: global for a ULA or global
     * VIP, also through {@code ip ... scope host}). What host scope gives an IPv4 VIP on {@code lo} is had otherwise:
     * neighbour discovery answers only for addresses of the interface a solicitation arrives on, so no NA for a VIP on
     * {@code lo}; preferred lifetime 0 (deprecated, RFC 4862) keeps source address selection (RFC 6724 rule 3) away
     * from it while incoming packets are still accepted; no prefix route, no DAD.
     */
    public InterfaceAddress hostVip(InetAddress vip) {
        int lo = link(LOOPBACK).index();
        if (AddressFamily.of(vip) == AddressFamily.INET6) {
            return new InterfaceAddress(lo, vip, 128, AddressScope.HOST, new AddressLifetime(AddressLifetime.INFINITE, 0),
                    InterfaceAddress.IFA_F_NODAD | InterfaceAddress.IFA_F_NOPREFIXROUTE);
        }
        return InterfaceAddress.of(lo, vip, 32, AddressScope.HOST, AddressLifetime.FOREVER);
    }

    public InterfaceAddress addHostVip(InetAddress vip) {
        InterfaceAddress a = hostVip(vip);
        if (a.family() == AddressFamily.INET6) {
            refresh(a); // replace: an IPv6 VIP left on lo by an older version becomes deprecated too
        } else {
            add(a);
        }
        return a;
    }

    public void removeHostVip(InetAddress vip) {
        delete(hostVip(vip));
    }

    @Override
    public void close() {
        connection.close();
    }
}
