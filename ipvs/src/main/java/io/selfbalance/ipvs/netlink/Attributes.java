package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attributes of one message (or of one nested attribute), decoded from bytes. Lookups are by
 * type with the nested/byte-order flag bits removed; when a type repeats, the first wins for the
 * single-value getters and {@link #all} returns each. Getters check the value's size and fail with
 * {@link NetlinkFormatException} on a mismatch instead of reading garbage.
 */
public final class Attributes {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final byte[] data;
    private final List<int[]> entries; // {type, valueOffset, valueLength}

    private Attributes(byte[] data, List<int[]> entries) {
        this.data = data;
        this.entries = entries;
    }

    /** Decodes the attributes in {@code data[offset, offset+length)}. */
    public static Attributes parse(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new NetlinkFormatException("attribute area " + offset + "+" + length
                    + " outside a buffer of " + data.length + " bytes");
        }
        List<int[]> entries = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data).order(NATIVE);
        int pos = offset;
        int end = offset + length;
        while (end - pos >= Netlink.ATTRIBUTE_HEADER_LENGTH) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & 0xffff;
            if (len < Netlink.ATTRIBUTE_HEADER_LENGTH || pos + len > end) {
                throw new NetlinkFormatException("attribute type " + (type & Netlink.NLA_TYPE_MASK)
                        + " at offset " + (pos - offset) + " has length " + len + " but "
                        + (end - pos) + " bytes remain");
            }
            entries.add(new int[] {type & Netlink.NLA_TYPE_MASK, pos + 4, len - 4});
            pos += Netlink.align(len);
        }
        return new Attributes(data, entries);
    }

    public static Attributes parse(byte[] data) {
        return parse(data, 0, data.length);
    }

    public boolean has(int type) {
        return find(type) != null;
    }

    /** The types present, in order. */
    public List<Integer> types() {
        List<Integer> t = new ArrayList<>();
        for (int[] e : entries) {
            t.add(e[0]);
        }
        return t;
    }

    public byte[] bytes(int type) {
        int[] e = require(type);
        return Arrays.copyOfRange(data, e[1], e[1] + e[2]);
    }

    /** Every value of a repeated attribute type. */
    public List<byte[]> all(int type) {
        List<byte[]> out = new ArrayList<>();
        for (int[] e : entries) {
            if (e[0] == type) {
                out.add(Arrays.copyOfRange(data, e[1], e[1] + e[2]));
            }
        }
        return out;
    }

    public int u8(int type) {
        return data[sized(type, 1)[1]] & 0xff;
    }

    public int u16(int type) {
        return ByteBuffer.wrap(data).order(NATIVE).getShort(sized(type, 2)[1]) & 0xffff;
    }

    /** A 16-bit value in network byte order (ports). */
    public int be16(int type) {
        int at = sized(type, 2)[1];
        return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
    }

    public int u32(int type) {
        return ByteBuffer.wrap(data).order(NATIVE).getInt(sized(type, 4)[1]);
    }

    public int be32(int type) {
        return ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).getInt(sized(type, 4)[1]);
    }

    public long u64(int type) {
        return ByteBuffer.wrap(data).order(NATIVE).getLong(sized(type, 8)[1]);
    }

    /** A 32- or 64-bit unsigned counter, widened to long (the kernel uses both for statistics). */
    public long counter(int type) {
        int[] e = require(type);
        if (e[2] == 8) {
            return ByteBuffer.wrap(data).order(NATIVE).getLong(e[1]);
        }
        return Integer.toUnsignedLong(u32(type));
    }

    /** A string attribute without its terminating NUL (and anything after it). */
    public String string(int type) {
        int[] e = require(type);
        int n = 0;
        while (n < e[2] && data[e[1] + n] != 0) {
            n++;
        }
        return new String(data, e[1], n, StandardCharsets.UTF_8);
    }

    public Attributes nested(int type) {
        int[] e = require(type);
        return parse(data, e[1], e[2]);
    }

    private int[] sized(int type, int size) {
        int[] e = require(type);
        if (e[2] < size) {
            throw new NetlinkFormatException("attribute " + type + " has " + e[2] + " bytes, expected " + size);
        }
        return e;
    }

    private int[] require(int type) {
        int[] e = find(type);
        if (e == null) {
            throw new NetlinkFormatException("attribute " + type + " missing (present: " + types() + ")");
        }
        return e;
    }

    private int[] find(int type) {
        for (int[] e : entries) {
            if (e[0] == type) {
                return e;
            }
        }
        return null;
    }
}
