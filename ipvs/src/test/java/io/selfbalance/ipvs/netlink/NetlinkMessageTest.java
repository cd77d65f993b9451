package io.selfbalance.ipvs.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

    @Test
    void headerIsSixteenBytesInHostOrderAndMessagesArePadded() {
        NetlinkMessage m = new NetlinkMessage(0x10, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, 77, 0, new byte[] {1, 2, 3});
        byte[] b = m.encode();
        assertEquals(20, b.length);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertEquals(19, h.getInt(0));
        assertEquals(0x10, h.getShort(4));
        assertEquals(5, h.getShort(6));
        assertEquals(77, h.getInt(8));
        assertEquals(0, h.getInt(12));
        assertArrayEquals(new byte[] {1, 2, 3, 0}, java.util.Arrays.copyOfRange(b, 16, 20));
    }

    @Test
    void concatenatedMessagesDecodeBackInOrder() {
        List<NetlinkMessage> in = List.of(
                new NetlinkMessage(20, 1, 1, 9, new byte[] {1}),
                new NetlinkMessage(21, 2, 2, 9, new byte[8]),
                new NetlinkMessage(3, 2, 3, 9, new byte[0]));
        byte[] wire = NetlinkMessage.encodeAll(in);
        assertEquals(20 + 24 + 16, wire.length);
        assertEquals(in, NetlinkMessage.decodeAll(wire));
    }

    @Test
    void lengthsThatDoNotFitAreRejected() {
        byte[] wire = new NetlinkMessage(20, 1, 1, 9, new byte[8]).encode();
        ByteBuffer.wrap(wire).order(ByteOrder.nativeOrder()).putInt(0, 100);
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decodeAll(wire));
        ByteBuffer.wrap(wire).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decodeAll(wire));
        byte[] trailing = java.util.Arrays.copyOf(new NetlinkMessage(20, 1, 1, 9, new byte[0]).encode(), 20);
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decodeAll(trailing));
    }

    @Test
    void typeAndFlagsAreSixteenBits() {
        assertThrows(IllegalArgumentException.class, () -> new NetlinkMessage(70000, 0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new NetlinkMessage(1, -1, 0, 0, null));
    }

    @Test
    void errorMessageGivesErrnoRequestSequenceAndKernelText() {
        NetlinkMessage req = new NetlinkMessage(30, 5, 1234, 0, new byte[12]);
        NetlinkMessage err = FakeNetlinkSocket.ack(req, Errno.EEXIST, "Service already exists");
        NetlinkMessage decoded = NetlinkMessage.decodeAll(err.encode()).get(0);
        assertEquals(Errno.EEXIST, decoded.errorCode());
        assertEquals(1234, decoded.errorRequestSequence());
        assertEquals("Service already exists", decoded.errorText());
        NetlinkMessage ack = FakeNetlinkSocket.ack(req, 0);
        assertEquals(0, ack.errorCode());
        assertNull(ack.errorText());
    }

    @Test
    void uncappedErrorSkipsTheEchoedRequestBeforeTheText() {
        NetlinkMessage req = new NetlinkMessage(30, 5, 8, 0, new byte[12]);
        byte[] echoed = req.encode();
        AttributeWriter w = new AttributeWriter();
        ByteBuffer p = ByteBuffer.allocate(4 + echoed.length).order(ByteOrder.nativeOrder());
        p.putInt(-Errno.EINVAL).put(echoed);
        w.header(p.array()).putString(Netlink.NLMSGERR_ATTR_MSG, "bad thing");
        NetlinkMessage err = new NetlinkMessage(Netlink.NLMSG_ERROR, Netlink.NLM_F_ACK_TLVS, 8, 1, w.toByteArray());
        assertEquals("bad thing", err.errorText());
        assertEquals(Errno.EINVAL, err.errorCode());
    }

    @Test
    void errnoDescriptionsNameTheSymbol() {
        assertEquals("File exists (EEXIST, errno 17)", Errno.describe(17));
        assertEquals("errno 4095", Errno.describe(4095));
        NetlinkException e = new NetlinkException("add service TCP 1.2.3.4:80", 17, null);
        assertEquals("add service TCP 1.2.3.4:80 failed: File exists (EEXIST, errno 17)", e.getMessage());
    }
}
