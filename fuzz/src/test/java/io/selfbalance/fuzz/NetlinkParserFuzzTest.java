package io.selfbalance.fuzz;

import static io.selfbalance.fuzz.Invariant.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.selfbalance.ipvs.netlink.Attributes;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkConnection;
import io.selfbalance.ipvs.netlink.NetlinkException;
import io.selfbalance.ipvs.netlink.NetlinkFormatException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import io.selfbalance.ipvs.netlink.NetlinkRequest;
import io.selfbalance.ipvs.netlink.NetlinkSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The netlink parser of the ipvs module: {@link NetlinkMessage#decodeAll} (datagrams from the kernel),
 * {@link Attributes} (attribute lists, nested ones, typed getters), the NLMSG_ERROR accessors, the genetlink header,
 * and {@link NetlinkConnection}'s reply handling driven by a socket that answers with fuzzed datagrams.
 *
 * <p>Invariant: the only exception is the documented {@link NetlinkFormatException} (plus {@link NetlinkException}
 * when a reply is a well-formed kernel error); decoded messages re-encode to a datagram that decodes to equal messages.
 */
class NetlinkParserFuzzTest {
    private static final int NESTING_LIMIT = 8;
    /**
     * One connection for all inputs: it allocates a 256 KiB direct receive buffer, which per input would make the
     * JVM spend its time in direct-memory GC (35 executions/s instead of thousands). Only the replies change.
     */
    private static final ScriptedSocket SOCKET = new ScriptedSocket();
    private static final NetlinkConnection CONNECTION = new NetlinkConnection(SOCKET);

    /** One datagram as the kernel would send it: messages, then everything readable in each of them. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void datagram(byte[] datagram) {
        List<NetlinkMessage> messages;
        try {
            messages = NetlinkMessage.decodeAll(datagram);
        } catch (NetlinkFormatException expected) {
            return;
        }
        int total = 0;
        for (NetlinkMessage m : messages) {
            check(m.length() >= Netlink.HEADER_LENGTH, () -> "message shorter than its header: " + m);
            total += Netlink.align(m.length());
            inspect(m);
        }
        int consumed = total;
        check(consumed >= datagram.length && consumed - datagram.length < 4,
                () -> "messages cover " + consumed + " (aligned) bytes of a " + datagram.length + "-byte datagram");
        byte[] reencoded = NetlinkMessage.encodeAll(messages);
        List<NetlinkMessage> again = NetlinkMessage.decodeAll(reencoded);
        check(again.equals(messages), () -> "re-encoded messages decode differently: " + messages + " vs " + again);
        // the same bytes behind an offset in a larger buffer (the connection's receive buffer is direct and reused)
        ByteBuffer direct = ByteBuffer.allocateDirect(datagram.length + 8);
        direct.position(8);
        direct.put(datagram).flip().position(8);
        check(NetlinkMessage.decodeAll(direct).equals(messages), () -> "decoding depends on buffer position");
    }

    /** A bare attribute area (a genetlink payload after its header, or a nested attribute). */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void attributes(byte[] area) {
        Attributes a;
        try {
            a = Attributes.parse(area);
        } catch (NetlinkFormatException expected) {
            return;
        }
        walk(a, 0);
    }

    /**
     * {@link NetlinkConnection#execute}, {@link NetlinkConnection#dump} and {@link NetlinkConnection#executeBatch}
     * against a socket whose replies come from the fuzzer. The harness patches port id and sequence numbers relative
     * to the request it saw (the connection numbers requests from the clock), so the fuzzer reaches the reply logic.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void connectionReplies(FuzzedDataProvider data) {
        int operation = data.consumeInt(0, 3);
        int batchSize = data.consumeInt(1, 5);
        SOCKET.replyWith(data);
        NetlinkConnection connection = CONNECTION;
        NetlinkRequest request = new NetlinkRequest(0x20, 0, new byte[] {1, 1, 0, 0}, "fuzzed request");
        try {
            switch (operation) {
                case 0 -> connection.execute(request).forEach(NetlinkParserFuzzTest::inspect);
                case 1 -> connection.dump(request).forEach(NetlinkParserFuzzTest::inspect);
                case 2 -> {
                    List<NetlinkRequest> batch = new ArrayList<>();
                    for (int i = 0; i < batchSize; i++) {
                        batch.add(request);
                    }
                    List<NetlinkConnection.Outcome> outcomes = connection.executeBatch(batch);
                    check(outcomes.size() == batchSize && outcomes.stream().allMatch(o -> o != null),
                            () -> "batch of " + batchSize + " gave " + outcomes);
                }
                default -> GenericNetlink.resolve(connection, "IPVS");
            }
        } catch (NetlinkFormatException | NetlinkException | ScriptedSocket.NoMoreReplies expected) {
            // documented failures, or the harness ran out of replies (a receive timeout on a real socket)
        }
    }

    /** Reads everything a consumer might read from one message; only NetlinkFormatException may come out. */
    static void inspect(NetlinkMessage m) {
        try {
            if (m.type() == Netlink.NLMSG_ERROR) {
                m.errorCode();
                m.errorRequestSequence();
                String text = m.errorText();
                check(text == null || !text.contains("\0"), () -> "error text with NUL: " + text);
                return;
            }
            GenericNetlink.command(m);
            walk(GenericNetlink.attributes(m), 0);
        } catch (NetlinkFormatException expected) {
            // documented: malformed input
        }
    }

    /** Calls every getter on every attribute (each may legitimately refuse with NetlinkFormatException). */
    static void walk(Attributes a, int depth) {
        List<Integer> types = a.types();
        for (int type : types) {
            check(type >= 0 && type <= Netlink.NLA_TYPE_MASK, () -> "attribute type with flag bits: " + type);
            check(a.has(type), () -> "listed type " + type + " not found");
            byte[] value = a.bytes(type);
            check(a.all(type).size() >= 1, () -> "all(" + type + ") empty");
            tryGetter(() -> a.u8(type), value.length >= 1);
            tryGetter(() -> a.u16(type), value.length >= 2);
            tryGetter(() -> a.be16(type), value.length >= 2);
            tryGetter(() -> a.u32(type), value.length >= 4);
            tryGetter(() -> a.be32(type), value.length >= 4);
            tryGetter(() -> a.u64(type), value.length >= 8);
            tryGetter(() -> a.counter(type), value.length >= 4);
            String s = a.string(type);
            check(s.length() <= value.length, () -> "string longer than its attribute");
            if (depth < NESTING_LIMIT) {
                try {
                    walk(a.nested(type), depth + 1);
                } catch (NetlinkFormatException notNested) {
                    // most attributes are not nested; parsing their value as attributes may fail
                }
            }
        }
        int missing = types.isEmpty() ? 1 : types.stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
        if (missing <= Netlink.NLA_TYPE_MASK && !a.has(missing)) {
            try {
                a.u32(missing);
                throw new Invariant.Violation("u32 of a missing attribute " + missing + " did not fail");
            } catch (NetlinkFormatException expected) {
                // documented
            }
        }
    }

    /** A getter must succeed when the value is long enough and fail with NetlinkFormatException otherwise. */
    private static void tryGetter(Runnable getter, boolean longEnough) {
        try {
            getter.run();
            check(longEnough, () -> "getter read a value shorter than its type");
        } catch (NetlinkFormatException e) {
            check(!longEnough, () -> "getter refused a value long enough: " + e.getMessage());
        }
    }

    /**
     * A {@link NetlinkSocket} whose replies are fuzzer-made datagrams. Each datagram is preceded by a control byte: its
     * low bits choose whether the harness rewrites every message's port id to ours and its sequence number to the last
     * request's first sequence plus a small fuzzed offset (kept as is otherwise).
     */
    static final class ScriptedSocket implements NetlinkSocket {
        static final int PORT_ID = 4242;
        private FuzzedDataProvider data;
        private int firstSequence;
        private int receives;

        void replyWith(FuzzedDataProvider replies) {
            this.data = replies;
            this.receives = 0;
        }

        static final class NoMoreReplies extends RuntimeException {
            private static final long serialVersionUID = 1L;

            NoMoreReplies() {
                super("no more scripted replies", null, false, false);
            }
        }

        @Override
        public int portId() {
            return PORT_ID;
        }

        @Override
        public void send(byte[] datagram, int length) {
            List<NetlinkMessage> sent = NetlinkMessage.decodeAll(ByteBuffer.wrap(datagram, 0, length));
            check(!sent.isEmpty(), () -> "connection sent an empty datagram");
            firstSequence = sent.get(0).sequence();
        }

        @Override
        public void receive(ByteBuffer buffer) {
            if (data.remainingBytes() == 0 || ++receives > 64) {
                throw new NoMoreReplies();
            }
            int control = data.consumeInt(0, 3);
            byte[] datagram = data.consumeBytes(data.consumeInt(0, 512));
            if ((control & 1) != 0) {
                patchHeaders(datagram, (control & 2) != 0);
            }
            buffer.clear();
            buffer.put(datagram, 0, Math.min(datagram.length, buffer.remaining()));
            buffer.flip();
        }

        /** Rewrites port ids and sequence numbers of the messages a well-formed walk finds. */
        private void patchHeaders(byte[] d, boolean keepSequence) {
            ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.nativeOrder());
            int pos = 0;
            while (d.length - pos >= Netlink.HEADER_LENGTH) {
                int len = b.getInt(pos);
                if (len < Netlink.HEADER_LENGTH || len > d.length - pos) {
                    return;
                }
                if (!keepSequence) {
                    b.putInt(pos + 8, firstSequence + (b.get(pos + 8) & 0x07));
                }
                b.putInt(pos + 12, PORT_ID);
                pos += Netlink.align(len);
            }
        }

        @Override
        public void close() {
        }
    }
}
