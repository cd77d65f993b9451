package io.selfbalance.ipvs;

import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.Errno;
import io.selfbalance.ipvs.netlink.FakeNetlinkSocket;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkConnection;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the kernel's IPVS generic netlink family, for unit tests only (the real kernel is
 * exercised in {@link IpvsKernelTest}): keeps a table, answers family resolution, adds, edits,
 * deletes and dumps with the kernel's errnos, and processes batches like netlink_rcv_skb.
 */
final class FakeIpvsKernel {
    static final int FAMILY_ID = 0x22;
    final Map<IpvsService.Key, IpvsService> services = new LinkedHashMap<>();
    final Map<IpvsService.Key, Map<IpvsDestination.Key, IpvsDestination>> destinations = new LinkedHashMap<>();
    final FakeNetlinkSocket socket = new FakeNetlinkSocket(this::handle);
    private final IpvsCodec codec = new IpvsCodec(FAMILY_ID);

    IpvsClient client() {
        return new IpvsClient(new NetlinkConnection(socket));
    }

    /** Messages sent to the IPVS family so far (family resolution excluded). */
    long ipvsMessages() {
        return socket.allSentMessages().stream().filter(m -> m.type() == FAMILY_ID).count();
    }

    private List<List<NetlinkMessage>> handle(List<NetlinkMessage> sent) {
        List<List<NetlinkMessage>> out = new ArrayList<>();
        for (NetlinkMessage m : sent) {
            List<NetlinkMessage> replies = new ArrayList<>();
            int errno = 0;
            if (m.type() == GenericNetlink.GENL_ID_CTRL) {
                replies.add(reply(m, GenericNetlink.GENL_ID_CTRL, GenericNetlink.message(GenericNetlink.CTRL_CMD_NEWFAMILY, 2)
                        .putString(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "IPVS").putU16(GenericNetlink.CTRL_ATTR_FAMILY_ID, FAMILY_ID)));
            } else {
                errno = ipvs(m, replies);
            }
            boolean dump = (m.flags() & Netlink.NLM_F_DUMP) == Netlink.NLM_F_DUMP;
            if (dump && errno == 0) {
                replies.add(FakeNetlinkSocket.done(m));
            } else if (errno != 0 || (m.flags() & Netlink.NLM_F_ACK) != 0) {
                replies.add(FakeNetlinkSocket.ack(m, errno));
            }
            if (!replies.isEmpty()) {
                out.add(replies);
            }
        }
        return out;
    }

    private static NetlinkMessage reply(NetlinkMessage req, int type, AttributeWriter w) {
        return new NetlinkMessage(type, Netlink.NLM_F_MULTI, req.sequence(), FakeNetlinkSocket.PORT_ID, w.toByteArray());
    }

    private int ipvs(NetlinkMessage m, List<NetlinkMessage> replies) {
        int cmd = GenericNetlink.command(m);
        Attributes a = GenericNetlink.attributes(m);
        switch (cmd) {
            case IpvsCodec.CMD_GET_INFO -> {
                replies.add(reply(m, FAMILY_ID, GenericNetlink.message(IpvsCodec.CMD_GET_INFO, 1)
                        .putU32(IpvsCodec.INFO_ATTR_VERSION, 0x010201).putU32(IpvsCodec.INFO_ATTR_CONN_TAB_SIZE, 4096)));
                return 0;
            }
            case IpvsCodec.CMD_FLUSH -> {
                services.clear();
                destinations.clear();
                return 0;
            }
            case IpvsCodec.CMD_GET_SERVICE -> {
                for (IpvsService s : services.values()) {
                    // the kernel's own reply layout is the same as a full NEW_SERVICE request
                    byte[] full = codec.request(new IpvsOperation.AddService(s)).payload();
                    replies.add(new NetlinkMessage(FAMILY_ID, Netlink.NLM_F_MULTI, m.sequence(), FakeNetlinkSocket.PORT_ID, full));
                }
                return 0;
            }
            default -> { }
        }
        IpvsService.Key key = serviceKey(a.nested(IpvsCodec.CMD_ATTR_SERVICE));
        switch (cmd) {
            case IpvsCodec.CMD_NEW_SERVICE -> {
                if (services.containsKey(key)) {
                    return Errno.EEXIST;
                }
                IpvsService s = codec.decodeService(m);
                services.put(key, s);
                destinations.put(key, new LinkedHashMap<>());
                return 0;
            }
            case IpvsCodec.CMD_SET_SERVICE -> {
                if (!services.containsKey(key)) {
                    return Errno.ESRCH;
                }
                services.put(key, codec.decodeService(m));
                return 0;
            }
            case IpvsCodec.CMD_DEL_SERVICE -> {
                if (services.remove(key) == null) {
                    return Errno.ESRCH;
                }
                destinations.remove(key);
                return 0;
            }
            default -> { }
        }
        Map<IpvsDestination.Key, IpvsDestination> dests = destinations.get(key);
        if (dests == null) {
            return Errno.ESRCH;
        }
        if (cmd == IpvsCodec.CMD_GET_DEST) {
            for (IpvsDestination d : dests.values()) {
                byte[] full = codec.request(new IpvsOperation.AddDestination(key, d)).payload();
                replies.add(new NetlinkMessage(FAMILY_ID, Netlink.NLM_F_MULTI, m.sequence(), FakeNetlinkSocket.PORT_ID, full));
            }
            return 0;
        }
        Attributes da = a.nested(IpvsCodec.CMD_ATTR_DEST);
        IpvsDestination.Key dk = new IpvsDestination.Key(
                IpvsCodec.address(AddressFamily.of(da.u16(IpvsCodec.DEST_ATTR_ADDR_FAMILY)), da.bytes(IpvsCodec.DEST_ATTR_ADDR)),
                da.be16(IpvsCodec.DEST_ATTR_PORT));
        switch (cmd) {
            case IpvsCodec.CMD_NEW_DEST -> {
                if (dests.containsKey(dk)) {
                    return Errno.EEXIST;
                }
                dests.put(dk, codec.decodeDestination(m, key.family()).settings());
                return 0;
            }
            case IpvsCodec.CMD_SET_DEST -> {
                if (!dests.containsKey(dk)) {
                    return Errno.ENOENT;
                }
                dests.put(dk, codec.decodeDestination(m, key.family()).settings());
                return 0;
            }
            case IpvsCodec.CMD_DEL_DEST -> {
                return dests.remove(dk) == null ? Errno.ENOENT : 0;
            }
            default -> {
                return Errno.EOPNOTSUPP;
            }
        }
    }

    private static IpvsService.Key serviceKey(Attributes s) {
        AddressFamily f = AddressFamily.of(s.u16(IpvsCodec.SVC_ATTR_AF));
        if (s.has(IpvsCodec.SVC_ATTR_FWMARK)) {
            return new IpvsService.Key(f, null, null, 0, s.u32(IpvsCodec.SVC_ATTR_FWMARK));
        }
        return new IpvsService.Key(f, IpvsProtocol.of(s.u16(IpvsCodec.SVC_ATTR_PROTOCOL)),
                IpvsCodec.address(f, s.bytes(IpvsCodec.SVC_ATTR_ADDR)), s.be16(IpvsCodec.SVC_ATTR_PORT), 0);
    }
}
