package io.selfbalance.ipvs.net;

/** A network interface as the kernel describes it: index, name, hardware (MAC) address, MTU, flags. */
public record LinkInfo(int index, String name, byte[] hardwareAddress, int mtu, int flags) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;

    public LinkInfo {
        hardwareAddress = hardwareAddress == null ? new byte[0] : hardwareAddress.clone();
    }

    @Override
    public byte[] hardwareAddress() {
        return hardwareAddress.clone();
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    public String mac() {
        StringBuilder b = new StringBuilder();
        for (byte x : hardwareAddress) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(String.format("%02x", x & 0xff));
        }
        return b.toString();
    }

    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkInfo l && l.index == index && l.name.equals(name)
                && java.util.Arrays.equals(l.hardwareAddress, hardwareAddress) && l.mtu == mtu && l.flags == flags;
    }

    @Override
    public int hashCode() {
        return index * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return name + "#" + index + " " + mac() + " mtu " + mtu;
    }
}
