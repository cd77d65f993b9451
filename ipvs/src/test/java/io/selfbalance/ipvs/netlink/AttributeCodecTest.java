package io.selfbalance.ipvs.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeCodecTest {

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void u8AttributeIsPaddedToFourBytesWithZeros() {
        byte[] b = new AttributeWriter().putU8(7, 0xAB).toByteArray();
        assertEquals(8, b.length);
        assertEquals(5, le(b).getShort(0)); // length excludes padding
        assertEquals(7, le(b).getShort(2));
        assertEquals((byte) 0xAB, b[4]);
        assertArrayEquals(new byte[] {0, 0, 0}, new byte[] {b[5], b[6], b[7]});
    }

    @Test
    void everyScalarRoundTrips() {
        byte[] b = new AttributeWriter()
                .putU8(1, 255).putU16(2, 0xBEEF).putU32(3, 0xDEADBEEF).putU64(4, 0x0102030405060708L)
                .putBe16(5, 8080).putBe32(6, 0xFFFFFF00).putString(7, "wrr").putFlag(8)
                .toByteArray();
        Attributes a = Attributes.parse(b);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), a.types());
        assertEquals(255, a.u8(1));
        assertEquals(0xBEEF, a.u16(2));
        assertEquals(0xDEADBEEF, a.u32(3));
        assertEquals(0x0102030405060708L, a.u64(4));
        assertEquals(8080, a.be16(5));
        assertEquals(0xFFFFFF00, a.be32(6));
        assertEquals("wrr", a.string(7));
        assertTrue(a.has(8));
        assertEquals(0, a.bytes(8).length);
        assertFalse(a.has(9));
    }

    @Test
    void portsAreBigEndianAndTheRestNativeOrder() {
        byte[] port = new AttributeWriter().putBe16(1, 0x1F90).toByteArray();
        assertEquals((byte) 0x1F, port[4]);
        assertEquals((byte) 0x90, port[5]);
        byte[] u16 = new AttributeWriter().putU16(1, 0x1F90).toByteArray();
        assertEquals(0x1F90, le(u16).getShort(4));
        byte[] u32 = new AttributeWriter().putU32(1, 0x01020304).toByteArray();
        assertEquals(0x01020304, le(u32).getInt(4));
    }

    @Test
    void stringsAreNulTerminatedAndAligned() {
        byte[] b = new AttributeWriter().putString(2, "IPVS").toByteArray();
        assertEquals(4 + 5, le(b).getShort(0));
        assertEquals(12, b.length);
        assertEquals(0, b[8]);
        // a string attribute without NUL (some kernels' fixed-size names) still decodes
        byte[] raw = new AttributeWriter().put(2, "abc".getBytes()).toByteArray();
        assertEquals("abc", Attributes.parse(raw).string(2));
    }

    @Test
    void nestedAttributesCarryTheFlagAndTheirTotalLength() {
        AttributeWriter w = new AttributeWriter();
        int outer = w.beginNested(1);
        w.putU16(1, 2);
        int inner = w.beginNested(10);
        w.putU32(1, 99).putU8(2, 3);
        w.endNested(inner);
        w.endNested(outer);
        w.putU32(2, 5);
        byte[] b = w.toByteArray();
        assertEquals(0x8000 | 1, le(b).getShort(2) & 0xffff);
        int outerLen = le(b).getShort(0);
        assertEquals(4 + 8 + 4 + 8 + 8, outerLen);
        Attributes top = Attributes.parse(b);
        assertEquals(List.of(1, 2), top.types());
        Attributes o = top.nested(1);
        assertEquals(2, o.u16(1));
        Attributes i = o.nested(10);
        assertEquals(99, i.u32(1));
        assertEquals(3, i.u8(2));
        assertEquals(5, top.u32(2));
    }

    @Test
    void repeatedTypesAreAllKept() {
        byte[] b = new AttributeWriter().putU32(3, 1).putU32(3, 2).toByteArray();
        Attributes a = Attributes.parse(b);
        assertEquals(1, a.u32(3));
        assertEquals(2, a.all(3).size());
        assertEquals(2, le(a.all(3).get(1)).getInt(0));
    }

    @Test
    void fixedHeaderIsPaddedBeforeAttributes() {
        byte[] b = new AttributeWriter().header(new byte[] {1, 2, 3, 4, 5}).putU8(1, 9).toByteArray();
        assertEquals(8 + 8, b.length);
        assertEquals(9, Attributes.parse(b, 8, b.length - 8).u8(1));
    }

    @Test
    void counterReadsThirtyTwoAndSixtyFourBitValues() {
        byte[] b = new AttributeWriter().putU32(1, -1).putU64(2, 1L << 40).toByteArray();
        Attributes a = Attributes.parse(b);
        assertEquals(0xFFFFFFFFL, a.counter(1));
        assertEquals(1L << 40, a.counter(2));
    }

    @Test
    void malformedInputIsRejectedWithPosition() {
        byte[] tooLong = new AttributeWriter().putU32(1, 1).toByteArray();
        le(tooLong).putShort(0, (short) 12);
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> Attributes.parse(tooLong));
        assertTrue(e.getMessage().contains("length 12"), e.getMessage());
        byte[] tooShort = new AttributeWriter().putU32(1, 1).toByteArray();
        le(tooShort).putShort(0, (short) 2);
        assertThrows(NetlinkFormatException.class, () -> Attributes.parse(tooShort));
        assertThrows(NetlinkFormatException.class, () -> Attributes.parse(new byte[4], 2, 4));
    }

    @Test
    void wrongSizeAndMissingAttributesFailInsteadOfReadingGarbage() {
        Attributes a = Attributes.parse(new AttributeWriter().putU8(1, 1).toByteArray());
        assertThrows(NetlinkFormatException.class, () -> a.u32(1));
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> a.u8(2));
        assertTrue(e.getMessage().contains("attribute 2 missing"), e.getMessage());
    }

    @Test
    void trailingBytesShorterThanAHeaderAreIgnored() {
        byte[] b = new AttributeWriter().putU8(1, 1).toByteArray();
        byte[] withTail = java.util.Arrays.copyOf(b, b.length + 2);
        assertEquals(List.of(1), Attributes.parse(withTail).types());
    }

    @Test
    void oversizedAttributeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AttributeWriter().put(1, new byte[70000]));
    }

    @Test
    void writerGrowsBeyondItsInitialCapacity() {
        AttributeWriter w = new AttributeWriter(16);
        for (int i = 0; i < 500; i++) {
            w.putU32(i % 100 + 1, i);
        }
        assertEquals(500 * 8, w.length());
        assertEquals(5, Attributes.parse(w.toByteArray()).all(100).size());
    }
}
