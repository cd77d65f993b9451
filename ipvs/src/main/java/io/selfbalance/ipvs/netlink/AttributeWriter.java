package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the payload of one netlink message: an optional fixed family header (genetlink header,
 * ifaddrmsg, ...) followed by type-length-value attributes, possibly nested. Multi-byte values are in
 * the host's byte order except where the kernel wants network order ({@link #putBe16}, e.g. ports);
 * every attribute is padded to 4 bytes.
 */
public final class AttributeWriter {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private byte[] data;
    private int length;

    public AttributeWriter() {
        this(64);
    }

    public AttributeWriter(int initialCapacity) {
        data = new byte[Math.max(16, initialCapacity)];
    }

    /** Appends raw bytes of a fixed header (not an attribute); pads to 4 bytes. */
    public AttributeWriter header(byte[] fixedHeader) {
        append(fixedHeader, 0, fixedHeader.length);
        pad();
        return this;
    }

    public AttributeWriter putU8(int type, int value) {
        return put(type, new byte[] {(byte) value});
    }

    public AttributeWriter putU16(int type, int value) {
        return put(type, ByteBuffer.allocate(2).order(NATIVE).putShort((short) value).array());
    }

    /** A 16-bit value in network byte order (ports). */
    public AttributeWriter putBe16(int type, int value) {
        return put(type, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    public AttributeWriter putU32(int type, int value) {
        return put(type, ByteBuffer.allocate(4).order(NATIVE).putInt(value).array());
    }

    /** A 32-bit value in network byte order (IPv4 netmask). */
    public AttributeWriter putBe32(int type, int value) {
        return put(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    public AttributeWriter putU64(int type, long value) {
        return put(type, ByteBuffer.allocate(8).order(NATIVE).putLong(value).array());
    }

    /** A NUL-terminated string. */
    public AttributeWriter putString(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return put(type, Arrays.copyOf(s, s.length + 1));
    }

    /** A flag attribute: present, no value. */
    public AttributeWriter putFlag(int type) {
        return put(type, new byte[0]);
    }

    public AttributeWriter put(int type, byte[] value) {
        int total = Netlink.ATTRIBUTE_HEADER_LENGTH + value.length;
        if (total > 0xffff) {
            throw new IllegalArgumentException("attribute " + type + " is " + value.length
                    + " bytes; a netlink attribute holds at most " + (0xffff - 4));
        }
        writeHeaderAt(reserve(Netlink.ATTRIBUTE_HEADER_LENGTH), total, type);
        append(value, 0, value.length);
        pad();
        return this;
    }

    /** Starts a nested attribute; returns a mark to pass to {@link #endNested}. */
    public int beginNested(int type) {
        int mark = reserve(Netlink.ATTRIBUTE_HEADER_LENGTH);
        writeHeaderAt(mark, 0, type | Netlink.NLA_F_NESTED);
        return mark;
    }

    /** Closes the nested attribute started at {@code mark}, fixing its length. */
    public AttributeWriter endNested(int mark) {
        int total = length - mark;
        if (total > 0xffff) {
            throw new IllegalArgumentException("nested attribute is " + total + " bytes; at most 65535 allowed");
        }
        int type = readU16(mark + 2);
        writeHeaderAt(mark, total, type);
        return this;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(data, length);
    }

    private void writeHeaderAt(int offset, int len, int type) {
        ByteBuffer b = ByteBuffer.wrap(data, offset, 4).order(NATIVE);
        b.putShort((short) len).putShort((short) type);
    }

    private int readU16(int offset) {
        return ByteBuffer.wrap(data).order(NATIVE).getShort(offset) & 0xffff;
    }

    private int reserve(int n) {
        ensure(n);
        int at = length;
        length += n;
        return at;
    }

    private void append(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, data, length, n);
        length += n;
    }

    private void pad() {
        int aligned = Netlink.align(length);
        ensure(aligned - length);
        while (length < aligned) {
            data[length++] = 0;
        }
    }

    private void ensure(int extra) {
        if (length + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + extra));
        }
    }
}
