package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A netlink socket whose "kernel" is a function: every send is decoded and recorded, the responder
 * turns the sent messages into reply datagrams that later receives return in order.
 */
public final class FakeNetlinkSocket implements NetlinkSocket {
    public static final int PORT_ID = 4242;

    private final Function<List<NetlinkMessage>, List<List<NetlinkMessage>>> responder;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    public final List<List<NetlinkMessage>> sent = new ArrayList<>();
    public boolean closed;

    public FakeNetlinkSocket(Function<List<NetlinkMessage>, List<List<NetlinkMessage>>> responder) {
        this.responder = responder;
    }

    @Override
    public int portId() {
        return PORT_ID;
    }

    @Override
    public void send(byte[] datagram, int length) {
        List<NetlinkMessage> messages = NetlinkMessage.decodeAll(ByteBuffer.wrap(datagram, 0, length));
        sent.add(messages);
        for (List<NetlinkMessage> reply : responder.apply(messages)) {
            pending.add(NetlinkMessage.encodeAll(reply));
        }
    }

    /** Queues a raw datagram as if the kernel had sent it. */
    public void inject(byte[] datagram) {
        pending.add(datagram);
    }

    @Override
    public void receive(ByteBuffer buffer) {
        byte[] next = pending.poll();
        if (next == null) {
            throw new NativeCallException("recvfrom", "fake netlink socket: nothing queued", Errno.EAGAIN);
        }
        buffer.clear();
        buffer.put(next);
        buffer.flip();
    }

    @Override
    public void close() {
        closed = true;
    }

    public List<NetlinkMessage> allSentMessages() {
        List<NetlinkMessage> all = new ArrayList<>();
        sent.forEach(all::addAll);
        return all;
    }

    /** An NLMSG_ERROR answering {@code request} (errno 0 = ack), capped like NETLINK_CAP_ACK. */
    public static NetlinkMessage ack(NetlinkMessage request, int errno) {
        return ack(request, errno, null);
    }

    public static NetlinkMessage ack(NetlinkMessage request, int errno, String text) {
        AttributeWriter w = new AttributeWriter();
        ByteBuffer h = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        h.putInt(-errno).putInt(request.length()).putShort((short) request.type()).putShort((short) request.flags())
                .putInt(request.sequence()).putInt(request.portId());
        w.header(h.array());
        int flags = Netlink.NLM_F_CAPPED;
        if (text != null) {
            w.putString(Netlink.NLMSGERR_ATTR_MSG, text);
            flags |= Netlink.NLM_F_ACK_TLVS;
        }
        return new NetlinkMessage(Netlink.NLMSG_ERROR, flags, request.sequence(), PORT_ID, w.toByteArray());
    }

    public static NetlinkMessage done(NetlinkMessage request) {
        return new NetlinkMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, request.sequence(), PORT_ID, new byte[4]);
    }
}
