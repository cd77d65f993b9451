package io.selfbalance.ipvs.net;

import io.selfbalance.ipvs.AddressFamily;
import io.selfbalance.ipvs.Addresses;
import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkFormatException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** rtnetlink messages for links and addresses ({@code linux/rtnetlink.h}, {@code if_addr.h}, {@code if_link.h}). Pure. */
public final class RouteNetlinkCodec {
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_CACHEINFO = 6;
    static final int IFA_FLAGS = 8;

    static final int IFINFOMSG_LENGTH = 16;
    static final int IFADDRMSG_LENGTH = 8;

    private RouteNetlinkCodec() {}

    public static NetlinkRequest getLink(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/") || name.contains(" ")) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1-15 characters without '/' or spaces");
        }
        byte[] ifinfo = new byte[IFINFOMSG_LENGTH]; // family AF_UNSPEC, index 0: look up by name
        byte[] payload = new AttributeWriter().header(ifinfo).putString(IFLA_IFNAME, name).toByteArray();
        return new NetlinkRequest(RTM_GETLINK, 0, payload, "look up interface " + name);
    }

    public static LinkInfo decodeLink(NetlinkMessage m) {
        if (m.type() != RTM_NEWLINK || m.payload().length < IFINFOMSG_LENGTH) {
            throw new NetlinkFormatException("not a link message: " + m);
        }
        ByteBuffer b = ByteBuffer.wrap(m.payload()).order(ByteOrder.nativeOrder());
        int index = b.getInt(4);
        int flags = b.getInt(8);
        Attributes a = Attributes.parse(m.payload(), IFINFOMSG_LENGTH, m.payload().length - IFINFOMSG_LENGTH);
        return new LinkInfo(index, a.string(IFLA_IFNAME), a.has(IFLA_ADDRESS) ? a.bytes(IFLA_ADDRESS) : new byte[0],
                a.has(IFLA_MTU) ? a.u32(IFLA_MTU) : 0, flags);
    }

    /** RTM_NEWADDR; {@code replace} refreshes an existing address (new lifetime) instead of failing with EEXIST. */
    public static NetlinkRequest newAddress(InterfaceAddress a, boolean replace) {
        int flags = Netlink.NLM_F_CREATE | (replace ? Netlink.NLM_F_REPLACE : Netlink.NLM_F_EXCL);
        int requestFlags = a.flags() | (a.family() == AddressFamily.INET6 ? InterfaceAddress.IFA_F_NODAD : 0);
        AttributeWriter w = new AttributeWriter().header(ifaddrmsg(a, requestFlags));
        byte[] raw = a.address().getAddress();
        if (a.family() == AddressFamily.INET) {
            w.put(IFA_LOCAL, raw);
        }
        w.put(IFA_ADDRESS, raw);
        w.putU32(IFA_FLAGS, requestFlags);
        if (!a.lifetime().isForever() || a.lifetime().preferredSeconds() != AddressLifetime.INFINITE) {
            w.put(IFA_CACHEINFO, ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                    .putInt((int) a.lifetime().preferredSeconds()).putInt((int) a.lifetime().validSeconds())
                    .putInt(0).putInt(0).array());
        }
        return new NetlinkRequest(RTM_NEWADDR, flags, w.toByteArray(),
                (replace ? "refresh address " : "add address ") + a);
    }

    public static NetlinkRequest deleteAddress(InterfaceAddress a) {
        AttributeWriter w = new AttributeWriter().header(ifaddrmsg(a, 0));
        byte[] raw = a.address().getAddress();
        if (a.family() == AddressFamily.INET) {
            w.put(IFA_LOCAL, raw);
        }
        w.put(IFA_ADDRESS, raw);
        return new NetlinkRequest(RTM_DELADDR, 0, w.toByteArray(), "delete address " + Addresses.format(a.address())
                + "/" + a.prefixLength() + " from #" + a.interfaceIndex());
    }

    public static NetlinkRequest dumpAddresses(AddressFamily family) {
        byte[] hdr = new byte[IFADDRMSG_LENGTH];
        hdr[0] = (byte) (family == null ? 0 : family.number());
        return new NetlinkRequest(RTM_GETADDR, 0, new AttributeWriter().header(hdr).toByteArray(), "list addresses");
    }

    private static byte[] ifaddrmsg(InterfaceAddress a, int flags) {
        return ByteBuffer.allocate(IFADDRMSG_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) a.family().number()).put((byte) a.prefixLength()).put((byte) flags)
                .put((byte) a.scope().code()).putInt(a.interfaceIndex()).array();
    }

    public static InterfaceAddress decodeAddress(NetlinkMessage m) {
        if (m.type() != RTM_NEWADDR || m.payload().length < IFADDRMSG_LENGTH) {
            throw new NetlinkFormatException("not an address message: " + m);
        }
        ByteBuffer b = ByteBuffer.wrap(m.payload()).order(ByteOrder.nativeOrder());
        AddressFamily family = AddressFamily.of(b.get(0) & 0xff);
        int prefix = b.get(1) & 0xff;
        int flags = b.get(2) & 0xff;
        AddressScope scope = AddressScope.of(b.get(3) & 0xff);
        int index = b.getInt(4);
        Attributes a = Attributes.parse(m.payload(), IFADDRMSG_LENGTH, m.payload().length - IFADDRMSG_LENGTH);
        byte[] raw = a.has(IFA_LOCAL) ? a.bytes(IFA_LOCAL) : a.bytes(IFA_ADDRESS);
        if (a.has(IFA_FLAGS)) {
            flags = a.u32(IFA_FLAGS);
        }
        AddressLifetime lifetime = AddressLifetime.FOREVER;
        if (a.has(IFA_CACHEINFO)) {
            ByteBuffer ci = ByteBuffer.wrap(a.bytes(IFA_CACHEINFO)).order(ByteOrder.nativeOrder());
            long preferred = Integer.toUnsignedLong(ci.getInt(0));
            long valid = Integer.toUnsignedLong(ci.getInt(4));
            if (valid != AddressLifetime.INFINITE) {
                lifetime = new AddressLifetime(Math.max(1, valid), Math.min(preferred, Math.max(1, valid)));
            }
        }
        try {
            InetAddress address = InetAddress.getByAddress(raw);
            if (AddressFamily.of(address) != family) {
                throw new NetlinkFormatException("address of " + raw.length + " bytes in a " + family + " message");
            }
            return new InterfaceAddress(index, address, prefix, scope, lifetime, flags);
        } catch (UnknownHostException e) {
            throw new NetlinkFormatException("bad address: " + e.getMessage());
        }
    }
}
