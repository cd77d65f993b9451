package io.selfbalance.ipvs.netlink;

import static io.selfbalance.ipvs.netlink.FakeNetlinkSocket.ack;
import static io.selfbalance.ipvs.netlink.FakeNetlinkSocket.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkConnectionTest {

    private static NetlinkRequest req(int type, String op) {
        return new NetlinkRequest(type, 0, new byte[] {1, 2, 3, 4}, op);
    }

    private static NetlinkMessage data(NetlinkMessage request, int type, int flags) {
        return new NetlinkMessage(type, flags, request.sequence(), FakeNetlinkSocket.PORT_ID, new byte[] {9, 9, 9, 9});
    }

    @Test
    void executeSetsRequestAndAckFlagsAndReturnsRepliesBeforeTheAck() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(
                List.of(data(sent.get(0), 40, 0)), List.of(ack(sent.get(0), 0))));
        NetlinkConnection c = new NetlinkConnection(s);
        List<NetlinkMessage> replies = c.execute(new NetlinkRequest(30, Netlink.NLM_F_CREATE, new byte[4], "op"));
        assertEquals(1, replies.size());
        assertEquals(40, replies.get(0).type());
        NetlinkMessage sent = s.sent.get(0).get(0);
        assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE, sent.flags());
        assertEquals(1, c.messagesSent());
        assertEquals(1, c.sends());
    }

    @Test
    void kernelErrorBecomesExceptionWithErrnoOperationAndText() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(List.of(ack(sent.get(0), Errno.EINVAL, "no scheduler"))));
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> new NetlinkConnection(s).execute(req(30, "add service TCP 10.0.0.1:80")));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("add service TCP 10.0.0.1:80", e.operation());
        assertEquals("no scheduler", e.kernelMessage());
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
    }

    @Test
    void successiveRequestsUseIncreasingSequenceNumbers() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(List.of(ack(sent.get(0), 0))));
        NetlinkConnection c = new NetlinkConnection(s);
        c.execute(req(30, "a"));
        c.execute(req(30, "b"));
        assertEquals(s.sent.get(0).get(0).sequence() + 1, s.sent.get(1).get(0).sequence());
    }

    @Test
    void replyForAnotherPortIdIsRejected() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> {
            NetlinkMessage a = ack(sent.get(0), 0);
            return List.of(List.of(new NetlinkMessage(a.type(), a.flags(), a.sequence(), 777, a.payload())));
        });
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class,
                () -> new NetlinkConnection(s).execute(req(30, "x")));
        assertTrue(e.getMessage().contains("port id 777"), e.getMessage());
    }

    @Test
    void staleRepliesAreSkippedButFutureSequencesAreErrors() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> {
            NetlinkMessage r = sent.get(0);
            NetlinkMessage stale = new NetlinkMessage(r.type(), r.flags(), r.sequence() - 5, 0, r.payload());
            return List.of(List.of(ack(stale, 0)), List.of(ack(r, 0)));
        });
        NetlinkConnection c = new NetlinkConnection(s);
        c.execute(req(30, "x")); // the stale ack is ignored, the real one completes it

        FakeNetlinkSocket f = new FakeNetlinkSocket(sent -> {
            NetlinkMessage r = sent.get(0);
            NetlinkMessage future = new NetlinkMessage(r.type(), r.flags(), r.sequence() + 5, 0, r.payload());
            return List.of(List.of(ack(future, 0)));
        });
        assertThrows(NetlinkFormatException.class, () -> new NetlinkConnection(f).execute(req(30, "x")));
    }

    @Test
    void dumpCollectsEveryPartAcrossDatagramsUntilDone() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> {
            NetlinkMessage r = sent.get(0);
            return List.of(
                    List.of(data(r, 40, Netlink.NLM_F_MULTI), data(r, 40, Netlink.NLM_F_MULTI)),
                    List.of(data(r, 40, Netlink.NLM_F_MULTI)),
                    List.of(data(r, 40, Netlink.NLM_F_MULTI), done(r)));
        });
        NetlinkConnection c = new NetlinkConnection(s);
        assertEquals(4, c.dump(req(41, "dump")).size());
        assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, s.sent.get(0).get(0).flags());
    }

    @Test
    void dumpErrorIsRaised() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(List.of(ack(sent.get(0), Errno.ENOENT))));
        NetlinkException e = assertThrows(NetlinkException.class, () -> new NetlinkConnection(s).dump(req(41, "list destinations")));
        assertEquals(Errno.ENOENT, e.errno());
        FakeNetlinkSocket d = new FakeNetlinkSocket(sent -> {
            NetlinkMessage r = sent.get(0);
            byte[] err = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(-Errno.EPERM).array();
            return List.of(List.of(new NetlinkMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, r.sequence(),
                    FakeNetlinkSocket.PORT_ID, err)));
        });
        assertEquals(Errno.EPERM, assertThrows(NetlinkException.class, () -> new NetlinkConnection(d).dump(req(41, "d"))).errno());
    }

    /** A fake kernel that processes a batch datagram like netlink_rcv_skb: errors always answered, ack when asked. */
    static List<List<NetlinkMessage>> kernel(List<NetlinkMessage> sent, java.util.function.IntPredicate fails) {
        List<List<NetlinkMessage>> out = new ArrayList<>();
        for (NetlinkMessage m : sent) {
            int payloadMarker = m.payload()[0];
            if (fails.test(payloadMarker)) {
                out.add(List.of(ack(m, Errno.EEXIST)));
            } else if ((m.flags() & Netlink.NLM_F_ACK) != 0) {
                out.add(List.of(ack(m, 0)));
            }
        }
        return out;
    }

    @Test
    void batchPacksRequestsIntoFewSendsAcksOnlyTheLastAndMatchesErrorsBySequence() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> kernel(sent, marker -> marker % 50 == 7));
        NetlinkConnection c = new NetlinkConnection(s);
        List<NetlinkRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            reqs.add(new NetlinkRequest(30, Netlink.NLM_F_CREATE, new byte[] {(byte) (i % 100), 0, 0, 0}, "op " + i));
        }
        List<NetlinkConnection.Outcome> out = c.executeBatch(reqs);
        assertEquals(3, s.sent.size()); // 128 + 128 + 44
        assertEquals(List.of(128, 128, 44), s.sent.stream().map(List::size).toList());
        for (List<NetlinkMessage> d : s.sent) {
            for (int i = 0; i < d.size(); i++) {
                boolean acked = (d.get(i).flags() & Netlink.NLM_F_ACK) != 0;
                assertEquals(i == d.size() - 1, acked, "only the last message of a send asks for an ack");
                assertTrue((d.get(i).flags() & Netlink.NLM_F_CREATE) != 0);
            }
        }
        for (int i = 0; i < 300; i++) {
            boolean shouldFail = (i % 100) % 50 == 7;
            assertEquals(shouldFail ? Errno.EEXIST : 0, out.get(i).errno(), "request " + i);
            assertEquals("op " + i, out.get(i).request().operation());
        }
        assertEquals(300, c.messagesSent());
        assertEquals(3, c.sends());
    }

    @Test
    void batchFailureOfTheLastMessageStillCompletesTheSend() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> kernel(sent, marker -> marker == 2));
        List<NetlinkRequest> reqs = List.of(
                new NetlinkRequest(30, 0, new byte[] {0, 0, 0, 0}, "a"),
                new NetlinkRequest(30, 0, new byte[] {1, 0, 0, 0}, "b"),
                new NetlinkRequest(30, 0, new byte[] {2, 0, 0, 0}, "c"));
        List<NetlinkConnection.Outcome> out = new NetlinkConnection(s).executeBatch(reqs);
        assertEquals(List.of(0, 0, Errno.EEXIST), out.stream().map(NetlinkConnection.Outcome::errno).toList());
        assertEquals(1, s.sent.size());
    }

    @Test
    void batchRespectsTheByteLimit() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> kernel(sent, m -> false));
        NetlinkConnection c = new NetlinkConnection(s).batchLimits(1000, 4096);
        List<NetlinkRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reqs.add(new NetlinkRequest(30, 0, new byte[1000], "big " + i)); // 1016 bytes each
        }
        c.executeBatch(reqs);
        assertEquals(List.of(4, 4, 2), s.sent.stream().map(List::size).toList());
        assertThrows(IllegalArgumentException.class, () -> c.batchLimits(0, 4096));
    }

    @Test
    void emptyBatchSendsNothing() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of());
        assertEquals(0, new NetlinkConnection(s).executeBatch(List.of()).size());
        assertEquals(0, s.sent.size());
    }

    @Test
    void familyResolutionParsesTheControllerReply() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> {
            NetlinkMessage r = sent.get(0);
            assertEquals(GenericNetlink.GENL_ID_CTRL, r.type());
            Attributes q = GenericNetlink.attributes(r);
            assertEquals("IPVS", q.string(GenericNetlink.CTRL_ATTR_FAMILY_NAME));
            assertEquals(GenericNetlink.CTRL_CMD_GETFAMILY, GenericNetlink.command(r));
            byte[] p = GenericNetlink.message(GenericNetlink.CTRL_CMD_NEWFAMILY, 2)
                    .putString(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "IPVS").putU16(GenericNetlink.CTRL_ATTR_FAMILY_ID, 33)
                    .putU32(GenericNetlink.CTRL_ATTR_VERSION, 1).putU32(GenericNetlink.CTRL_ATTR_HDRSIZE, 0)
                    .putU32(GenericNetlink.CTRL_ATTR_MAXATTR, 6).toByteArray();
            return List.of(List.of(new NetlinkMessage(GenericNetlink.GENL_ID_CTRL, 0, r.sequence(), FakeNetlinkSocket.PORT_ID, p)),
                    List.of(ack(r, 0)));
        });
        GenericNetlink.Family f = GenericNetlink.resolve(new NetlinkConnection(s), "IPVS");
        assertEquals(new GenericNetlink.Family("IPVS", 33, 1, 0, 6), f);
    }

    @Test
    void unknownFamilyIsEnoent() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of(List.of(ack(sent.get(0), Errno.ENOENT))));
        NetlinkException e = assertThrows(NetlinkException.class, () -> GenericNetlink.resolve(new NetlinkConnection(s), "NOPE"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("resolve generic netlink family NOPE", e.operation());
    }

    @Test
    void closeClosesTheSocket() {
        FakeNetlinkSocket s = new FakeNetlinkSocket(sent -> List.of());
        new NetlinkConnection(s).close();
        assertTrue(s.closed);
    }
}
