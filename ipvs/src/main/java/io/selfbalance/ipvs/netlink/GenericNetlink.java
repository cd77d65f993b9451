package io.selfbalance.ipvs.netlink;

import java.util.List;

/**
 * Generic netlink on top of {@link NetlinkConnection}: the 4-byte genetlink header (command,
 * version, reserved) and family resolution through the controller ({@code CTRL_CMD_GETFAMILY}).
 */
public final class GenericNetlink {
    public static final int GENL_HEADER_LENGTH = 4;
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_NEWFAMILY = 1;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int CTRL_ATTR_VERSION = 3;
    public static final int CTRL_ATTR_HDRSIZE = 4;
    public static final int CTRL_ATTR_MAXATTR = 5;

    private GenericNetlink() {}

    /** A resolved generic netlink family. */
    public record Family(String name, int id, int version, int headerSize, int maxAttribute) {}

    /** A writer whose payload starts with the genetlink header for {@code command}/{@code version}. */
    public static AttributeWriter message(int command, int version) {
        return new AttributeWriter(128).header(new byte[] {(byte) command, (byte) version, 0, 0});
    }

    /** The command byte of a genetlink message. */
    public static int command(NetlinkMessage m) {
        if (m.payload().length < GENL_HEADER_LENGTH) {
            throw new NetlinkFormatException("generic netlink message with " + m.payload().length
                    + " payload bytes has no genetlink header");
        }
        return m.payload()[0] & 0xff;
    }

    /** The attributes of a genetlink message (after the genetlink header). */
    public static Attributes attributes(NetlinkMessage m) {
        command(m);
        return Attributes.parse(m.payload(), GENL_HEADER_LENGTH, m.payload().length - GENL_HEADER_LENGTH);
    }

    /** The request asking the controller for family {@code name}. */
    public static NetlinkRequest getFamilyRequest(String name) {
        byte[] payload = message(CTRL_CMD_GETFAMILY, 1).putString(CTRL_ATTR_FAMILY_NAME, name).toByteArray();
        return new NetlinkRequest(GENL_ID_CTRL, 0, payload, "resolve generic netlink family " + name);
    }

    /**
     * Resolves {@code name}; a family the kernel does not have fails with {@link NetlinkException}
     * carrying {@link Errno#ENOENT}.
     */
    public static Family resolve(NetlinkConnection connection, String name) {
        List<NetlinkMessage> replies = connection.execute(getFamilyRequest(name));
        for (NetlinkMessage r : replies) {
            if (r.type() == GENL_ID_CTRL && command(r) == CTRL_CMD_NEWFAMILY) {
                Attributes a = attributes(r);
                return new Family(a.string(CTRL_ATTR_FAMILY_NAME), a.u16(CTRL_ATTR_FAMILY_ID),
                        a.has(CTRL_ATTR_VERSION) ? a.u32(CTRL_ATTR_VERSION) : 0,
                        a.has(CTRL_ATTR_HDRSIZE) ? a.u32(CTRL_ATTR_HDRSIZE) : 0,
                        a.has(CTRL_ATTR_MAXATTR) ? a.u32(CTRL_ATTR_MAXATTR) : 0);
            }
        }
        throw new NetlinkFormatException("the controller acknowledged GETFAMILY " + name + " without describing it");
    }
}
