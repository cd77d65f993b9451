package io.selfbalance.fuzz;

import static io.selfbalance.fuzz.Invariant.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.selfbalance.ipvs.AddressFamily;
import io.selfbalance.ipvs.IpvsCodec;
import io.selfbalance.ipvs.IpvsDestination;
import io.selfbalance.ipvs.IpvsOperation;
import io.selfbalance.ipvs.IpvsProtocol;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.netlink.AttributeWriter;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.NetlinkFormatException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The IPVS reply decoders ({@link IpvsCodec#decodeService}, {@link IpvsCodec#decodeDestination},
 * {@link IpvsCodec#decodeInfo}) on replies the kernel could send: the structured targets build a genetlink message
 * with the nesting the decoders expect (so the fuzzer spends its time on attribute values, not on lengths), the raw
 * target takes the payload as is.
 *
 * <p>Invariants: the only exception is {@link NetlinkFormatException}; a decoded service or destination, encoded as
 * the add request the codec builds for it, decodes to an equal value.
 */
class IpvsReplyFuzzTest {
    private static final int FAMILY_ID = 0x23;
    private static final int CMD_ATTR_SERVICE = 1;
    private static final int CMD_ATTR_DEST = 2;
    /** Values the decoders branch on: AF_INET, AF_INET6, TCP, UDP, SCTP, forwarding methods. */
    private static final int[] INTERESTING = {2, 10, 6, 17, 132, 0, 1, 3, 4, 0xffff};
    private static final IpvsService.Key SOME_SERVICE = new IpvsService.Key(AddressFamily.INET, IpvsProtocol.TCP,
            ip("192.168.77.254"), 80, 0);

    private final IpvsCodec codec = new IpvsCodec(FAMILY_ID);

    /** A service, destination or info reply with the nesting the decoder expects; the first choice picks which. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void structuredReply(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> decodeService(reply(data, 4, CMD_ATTR_SERVICE));
            case 1 -> {
                AddressFamily serviceFamily = data.consumeBoolean() ? AddressFamily.INET : AddressFamily.INET6;
                decodeDestination(reply(data, 8, CMD_ATTR_DEST), serviceFamily);
            }
            default -> decodeInfo(reply(data, 15, 0));
        }
    }

    /** A genetlink payload as raw bytes; the first byte picks the decoder. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void rawReply(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] payload = java.util.Arrays.copyOfRange(input, 1, input.length);
        NetlinkMessage m = new NetlinkMessage(FAMILY_ID, 0, 1, 0, payload);
        switch (input[0] & 3) {
            case 0 -> decodeService(m);
            case 1 -> decodeDestination(m, AddressFamily.INET);
            case 2 -> decodeDestination(m, AddressFamily.INET6);
            default -> decodeInfo(m);
        }
    }

    private void decodeInfo(NetlinkMessage m) {
        try {
            codec.decodeInfo(m);
        } catch (NetlinkFormatException expected) {
            // documented
        }
    }

    private void decodeService(NetlinkMessage m) {
        IpvsService s;
        try {
            s = codec.decodeService(m);
        } catch (NetlinkFormatException expected) {
            return;
        }
        NetlinkRequest add = codec.request(new IpvsOperation.AddService(s));
        IpvsService again = codec.decodeService(new NetlinkMessage(add.type(), 0, 1, 0, add.payload()));
        check(again.equals(s), () -> "service " + s + " round-trips as " + again);
    }

    private void decodeDestination(NetlinkMessage m, AddressFamily serviceFamily) {
        IpvsDestination d;
        try {
            d = codec.decodeDestination(m, serviceFamily);
        } catch (NetlinkFormatException expected) {
            return;
        }
        check(d.counters() != null, () -> "a destination read from the kernel without counters: " + d);
        NetlinkRequest add = codec.request(new IpvsOperation.AddDestination(SOME_SERVICE, d.settings()));
        IpvsDestination again = codec.decodeDestination(new NetlinkMessage(add.type(), 0, 1, 0, add.payload()),
                serviceFamily);
        check(again.settings().equals(d.settings()), () -> "destination " + d + " round-trips as " + again);
    }

    /**
     * A genetlink reply {@code command} whose attribute {@code outer} nests fuzzer-chosen attributes (top-level when
     * {@code outer} is 0, as in the info reply).
     */
    private static NetlinkMessage reply(FuzzedDataProvider data, int command, int outer) {
        AttributeWriter w = GenericNetlink.message(command, IpvsCodec.VERSION);
        int nest = outer > 0 ? w.beginNested(outer) : -1;
        int count = data.consumeInt(0, 16);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int type = data.consumeInt(0, 14);
            switch (data.consumeInt(0, 6)) {
                case 0 -> w.putU16(type, value(data, 0xffff));
                case 1 -> w.putU32(type, data.consumeBoolean() ? value(data, 0xffff) : data.consumeInt());
                case 2 -> w.putBe16(type, data.consumeInt(0, 0xffff));
                case 3 -> w.putBe32(type, data.consumeInt());
                case 4 -> w.putString(type, data.consumeAsciiString(20));
                case 5 -> {
                    int stats = w.beginNested(type);
                    int n = data.consumeInt(0, 11);
                    for (int k = 0; k < n; k++) {
                        int counter = data.consumeInt(0, 12);
                        if (data.consumeBoolean()) {
                            w.putU64(counter, data.consumeLong());
                        } else {
                            w.putU32(counter, data.consumeInt());
                        }
                    }
                    w.endNested(stats);
                }
                default -> w.put(type, data.consumeBytes(data.consumeInt(0, 24)));
            }
        }
        if (nest >= 0) {
            w.endNested(nest);
        }
        return new NetlinkMessage(FAMILY_ID, 0, 1, 0, w.toByteArray());
    }

    private static int value(FuzzedDataProvider data, int max) {
        return data.consumeBoolean() ? data.pickValue(INTERESTING) : data.consumeInt(0, max);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
