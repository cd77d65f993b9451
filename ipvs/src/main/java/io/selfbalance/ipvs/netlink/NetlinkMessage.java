package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One netlink message: the 16-byte header ({@code nlmsghdr}: length, type, flags, sequence number,
 * port id) and its payload. Encodes to and decodes from the kernel's wire format (host byte order,
 * messages padded to 4 bytes when several share one datagram).
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, byte[] payload) {

    public NetlinkMessage {
        if (type < 0 || type > 0xffff) {
            throw new IllegalArgumentException("netlink message type " + type + " outside 0..65535");
        }
        if (flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("netlink message flags " + flags + " outside 0..65535");
        }
        payload = payload == null ? new byte[0] : payload;
    }

    /** Header length plus payload, without trailing padding. */
    public int length() {
        return Netlink.HEADER_LENGTH + payload.length;
    }

    /** Writes this message (header, payload, padding to 4 bytes) at {@code out}'s position. */
    public void encodeTo(ByteBuffer out) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(length()).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(portId);
        b.put(payload);
        for (int i = length(); i < Netlink.align(length()); i++) {
            b.put((byte) 0);
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(Netlink.align(length()));
        encodeTo(b);
        return b.array();
    }

    /** Concatenates messages as they travel in one datagram. */
    public static byte[] encodeAll(List<NetlinkMessage> messages) {
        int total = 0;
        for (NetlinkMessage m : messages) {
            total += Netlink.align(m.length());
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        for (NetlinkMessage m : messages) {
            m.encodeTo(b);
        }
        return b.array();
    }

    /** Decodes every message in {@code datagram} between its position and limit. */
    public static List<NetlinkMessage> decodeAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        while (b.remaining() >= Netlink.HEADER_LENGTH) {
            int start = b.position();
            int len = b.getInt(start);
            if (len < Netlink.HEADER_LENGTH || len > b.remaining()) {
                throw new NetlinkFormatException("netlink message at offset " + (start - datagram.position())
                        + " claims length " + len + " but " + b.remaining() + " bytes remain");
            }
            int type = b.getShort(start + 4) & 0xffff;
            int flags = b.getShort(start + 6) & 0xffff;
            int seq = b.getInt(start + 8);
            int pid = b.getInt(start + 12);
            byte[] payload = new byte[len - Netlink.HEADER_LENGTH];
            b.position(start + Netlink.HEADER_LENGTH);
            b.get(payload);
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            b.position(Math.min(b.limit(), start + Netlink.align(len)));
        }
        if (b.remaining() != 0) {
            throw new NetlinkFormatException(b.remaining() + " trailing bytes after the last netlink message");
        }
        return out;
    }

    public static List<NetlinkMessage> decodeAll(byte[] datagram) {
        return decodeAll(ByteBuffer.wrap(datagram));
    }

    /** For an NLMSG_ERROR message: the errno (positive; 0 means acknowledgement). */
    public int errorCode() {
        requireType(Netlink.NLMSG_ERROR);
        if (payload.length < 4) {
            throw new NetlinkFormatException("NLMSG_ERROR with " + payload.length + " payload bytes");
        }
        return -ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt(0);
    }

    /** For an NLMSG_ERROR: the sequence number of the request it answers (from the echoed header). */
    public int errorRequestSequence() {
        requireType(Netlink.NLMSG_ERROR);
        if (payload.length < 4 + Netlink.HEADER_LENGTH) {
            return sequence;
        }
        return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt(4 + 8);
    }

    /** For an NLMSG_ERROR with extended-ack attributes: the kernel's error text, or null. */
    public String errorText() {
        requireType(Netlink.NLMSG_ERROR);
        if ((flags & Netlink.NLM_F_ACK_TLVS) == 0 || payload.length < 4 + Netlink.HEADER_LENGTH) {
            return null;
        }
        int offset = 4 + Netlink.HEADER_LENGTH;
        if ((flags & Netlink.NLM_F_CAPPED) == 0) {
            int origLen = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt(4);
            offset = 4 + Netlink.align(origLen);
        }
        if (offset >= payload.length) {
            return null;
        }
        Attributes tlvs = Attributes.parse(payload, offset, payload.length - offset);
        return tlvs.has(Netlink.NLMSGERR_ATTR_MSG) ? tlvs.string(Netlink.NLMSGERR_ATTR_MSG) : null;
    }

    private void requireType(int t) {
        if (type != t) {
            throw new IllegalStateException("message type " + type + " is not " + t);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetlinkMessage m && m.type == type && m.flags == flags && m.sequence == sequence
                && m.portId == portId && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + flags) * 31 + sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "NetlinkMessage[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + sequence
                + ", pid=" + portId + ", payload=" + payload.length + " bytes]";
    }
}
