package io.selfbalance.fuzz;

import io.selfbalance.ipvs.AddressFamily;
import io.selfbalance.ipvs.IpvsCodec;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsOperation;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the hand-made netlink seeds (the shapes the kernel answers with: acks, errors with extended-ack text, dump
 * parts, the controller's family description, IPVS service/destination/info replies with statistics) into the seed
 * directories. Not a test; run once with the test class path:
 * {@code java -cp fuzz/target/test-classes:<test class path> io.selfbalance.fuzz.SeedCorpusWriter fuzz/src/test/resources}.
 * The VRRP seeds are real keepalived packets (vrrp/src/test/resources/keepalived), the health seeds real bodies.
 */
public final class SeedCorpusWriter {
    private static final int PORT = 4242;
    private static final int IPVS_FAMILY = 0x23;
    private static final int SVC_ATTR_STATS64 = 12;
    private static final int DEST_ATTR_ACTIVE_CONNS = 7;
    private static final int DEST_ATTR_STATS64 = 12;
    private static final int INFO_ATTR_VERSION = 1;
    private static final int INFO_ATTR_CONN_TAB_SIZE = 2;

    private SeedCorpusWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args[0], "io", "selfbalance", "fuzz");
        IpvsCodec codec = new IpvsCodec(IPVS_FAMILY);
        IpvsService v4 = IpvsService.tcp(InetAddress.getByName("192.168.77.254"), 80, "wrr");
        IpvsService v6 = IpvsService.tcp(InetAddress.getByName("fd77::254"), 8080, "wrr").withPersistence(300);
        IpvsService fwm = IpvsService.firewallMark(AddressFamily.INET, 7, "mh");
        IpvsDestination dest = IpvsDestination.directRoute(InetAddress.getByName("192.168.77.2"), 80, 100);
        IpvsDestination dest6 = IpvsDestination.directRoute(InetAddress.getByName("fd77::3"), 8080, 0);

        byte[] service4 = serviceReply(codec, v4);
        byte[] service6 = serviceReply(codec, v6);
        byte[] serviceFwm = serviceReply(codec, fwm);
        byte[] destination4 = destinationReply(codec, v4, dest);
        byte[] destination6 = destinationReply(codec, v6, dest6);
        byte[] info = GenericNetlink.message(15, 1).putU32(INFO_ATTR_VERSION, 0x010201)
                .putU32(INFO_ATTR_CONN_TAB_SIZE, 4096).toByteArray();
        byte[] family = GenericNetlink.message(GenericNetlink.CTRL_CMD_NEWFAMILY, 2)
                .putU16(GenericNetlink.CTRL_ATTR_FAMILY_ID, IPVS_FAMILY).putString(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "IPVS")
                .putU32(GenericNetlink.CTRL_ATTR_VERSION, 1).putU32(GenericNetlink.CTRL_ATTR_HDRSIZE, 0)
                .putU32(GenericNetlink.CTRL_ATTR_MAXATTR, 7).toByteArray();

        Path datagrams = resources.resolve("NetlinkParserFuzzTestInputs/datagram");
        write(datagrams, "ack", datagram(ack(7, 0, null, true)));
        write(datagrams, "error-eexist-with-ext-ack", datagram(ack(7, 17, "Service already exists", true)));
        write(datagrams, "error-enoent-uncapped", datagram(ack(7, 2, "No such destination", false)));
        write(datagrams, "genl-family-ipvs", datagram(new NetlinkMessage(GenericNetlink.GENL_ID_CTRL, 0, 7, PORT, family),
                ack(7, 0, null, true)));
        write(datagrams, "ipvs-service-dump", datagram(
                new NetlinkMessage(IPVS_FAMILY, Netlink.NLM_F_MULTI, 7, PORT, service4),
                new NetlinkMessage(IPVS_FAMILY, Netlink.NLM_F_MULTI, 7, PORT, service6),
                new NetlinkMessage(IPVS_FAMILY, Netlink.NLM_F_MULTI, 7, PORT, serviceFwm),
                new NetlinkMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, 7, PORT, new byte[4])));
        write(datagrams, "ipvs-destination-dump", datagram(
                new NetlinkMessage(IPVS_FAMILY, Netlink.NLM_F_MULTI, 7, PORT, destination4),
                new NetlinkMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, 7, PORT, new byte[4])));

        Path attributes = resources.resolve("NetlinkParserFuzzTestInputs/attributes");
        write(attributes, "ipvs-service", genlAttributes(service6));
        write(attributes, "ipvs-destination", genlAttributes(destination4));
        write(attributes, "genl-family", genlAttributes(family));

        Path raw = resources.resolve("IpvsReplyFuzzTestInputs/rawReply");
        write(raw, "service-ipv4", prefixed(0, service4));
        write(raw, "service-ipv6-persistent", prefixed(0, service6));
        write(raw, "service-fwmark", prefixed(0, serviceFwm));
        write(raw, "destination-ipv4", prefixed(1, destination4));
        write(raw, "destination-ipv6", prefixed(2, destination6));
        write(raw, "info", prefixed(3, info));
    }

    /** A service as a dump reply carries it: the add request's attributes plus 64-bit statistics. */
    private static byte[] serviceReply(IpvsCodec codec, IpvsService s) {
        byte[] request = codec.request(new IpvsOperation.AddService(s)).payload();
        return withStats(request, SVC_ATTR_STATS64);
    }

    private static byte[] destinationReply(IpvsCodec codec, IpvsService s, IpvsDestination d) {
        byte[] request = codec.request(new IpvsOperation.AddDestination(s.key(), d)).payload();
        // a destination reply has only the destination nest (command GET_DEST), with counters and statistics
        byte[] attributes = Arrays.copyOfRange(request, GenericNetlink.GENL_HEADER_LENGTH, request.length);
        List<byte[]> nests = io.selfbalance.ipvs.netlink.Attributes.parse(attributes).all(2);
        AttributeWriter w = GenericNetlink.message(8, 1);
        int nest = w.beginNested(2);
        byte[] inner = nests.get(0);
        io.selfbalance.ipvs.netlink.Attributes a = io.selfbalance.ipvs.netlink.Attributes.parse(inner);
        for (int type : a.types()) {
            w.put(type, a.bytes(type));
        }
        w.putU32(DEST_ATTR_ACTIVE_CONNS, 3);
        stats(w, DEST_ATTR_STATS64);
        w.endNested(nest);
        return w.toByteArray();
    }

    /** Re-writes a genetlink message adding a statistics nest inside its first nested attribute. */
    private static byte[] withStats(byte[] genl, int statsType) {
        byte[] attributes = Arrays.copyOfRange(genl, GenericNetlink.GENL_HEADER_LENGTH, genl.length);
        io.selfbalance.ipvs.netlink.Attributes top = io.selfbalance.ipvs.netlink.Attributes.parse(attributes);
        io.selfbalance.ipvs.netlink.Attributes inner = top.nested(1);
        AttributeWriter w = GenericNetlink.message(4, 1);
        int nest = w.beginNested(1);
        for (int type : inner.types()) {
            w.put(type, inner.bytes(type));
        }
        stats(w, statsType);
        w.endNested(nest);
        return w.toByteArray();
    }

    private static void stats(AttributeWriter w, int type) {
        int stats = w.beginNested(type);
        for (int counter = 1; counter <= 10; counter++) {
            w.putU64(counter, counter * 1000L);
        }
        w.endNested(stats);
    }

    /** An NLMSG_ERROR answering sequence {@code seq}: errno 0 is an ack; with text, extended-ack attributes. */
    private static NetlinkMessage ack(int seq, int errno, String text, boolean capped) {
        NetlinkMessage request = new NetlinkMessage(IPVS_FAMILY, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, seq, 0,
                capped ? new byte[0] : new byte[] {1, 1, 0, 0, 8, 0, 1, 0, 2, 0, 0, 0});
        byte[] echoed = capped ? Arrays.copyOf(request.encode(), Netlink.HEADER_LENGTH) : request.encode();
        if (capped) {
            ByteBuffer.wrap(echoed).order(ByteOrder.nativeOrder()).putInt(0, Netlink.HEADER_LENGTH);
        }
        AttributeWriter w = new AttributeWriter().header(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                .putInt(-errno).array()).header(echoed);
        int flags = capped ? Netlink.NLM_F_CAPPED : 0;
        if (text != null) {
            w.putString(Netlink.NLMSGERR_ATTR_MSG, text);
            flags |= Netlink.NLM_F_ACK_TLVS;
        }
        return new NetlinkMessage(Netlink.NLMSG_ERROR, flags, seq, PORT, w.toByteArray());
    }

    private static byte[] datagram(NetlinkMessage... messages) {
        return NetlinkMessage.encodeAll(List.of(messages));
    }

    private static byte[] genlAttributes(byte[] genl) {
        return Arrays.copyOfRange(genl, GenericNetlink.GENL_HEADER_LENGTH, genl.length);
    }

    private static byte[] prefixed(int selector, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = (byte) selector;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    private static void write(Path dir, String name, byte[] content) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), content);
    }
}
