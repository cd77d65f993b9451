package io.selfbalance.ipvs.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File logic against a stand-in /proc/sys/net/ipv4/vs; the real files are exercised inside user-mode-linux. */
class IpvsSysctlsTest {
    @TempDir
    Path vs;

    private void seed(int reuse, int expire) throws Exception {
        Files.writeString(vs.resolve("conn_reuse_mode"), reuse + "\n");
        Files.writeString(vs.resolve("expire_nodest_conn"), expire + "\n");
    }

    @Test
    void applyReturnsTheKernelDefaultsAndRestorePutsThemBack() throws Exception {
        seed(1, 0);
        IpvsSysctls s = new IpvsSysctls(vs);
        IpvsSysctls.Settings before = s.apply(IpvsSysctls.DIRECT_ROUTING);
        assertEquals(new IpvsSysctls.Settings(1, 0), before);
        assertEquals("3\n", Files.readString(vs.resolve("conn_reuse_mode")));
        assertEquals("1\n", Files.readString(vs.resolve("expire_nodest_conn")));
        s.restore(before);
        assertEquals(before, s.read());
    }

    @Test
    void backupOnlyIsSetAndItsPreviousValueReturned() throws Exception {
        Files.writeString(vs.resolve("backup_only"), "0\n");
        IpvsSysctls s = new IpvsSysctls(vs);
        assertEquals(0, s.applyBackupOnly(1));
        assertEquals("1\n", Files.readString(vs.resolve("backup_only")));
        assertEquals(1, s.readBackupOnly());
        assertEquals("backup_only 2 not allowed; 0 or 1",
                assertThrows(IllegalArgumentException.class, () -> s.applyBackupOnly(2)).getMessage());
        assertEquals(1, s.applyBackupOnly(0));
        assertEquals(0, s.readBackupOnly());
    }

    @Test
    void valuesOutsideTheKernelsRangeAreRefusedNamingThem() {
        assertEquals("conn_reuse_mode 4 not allowed; the kernel's bits are 0..3",
                assertThrows(IllegalArgumentException.class, () -> new IpvsSysctls.Settings(4, 1)).getMessage());
        assertEquals("expire_nodest_conn 2 not allowed; 0 or 1",
                assertThrows(IllegalArgumentException.class, () -> new IpvsSysctls.Settings(3, 2)).getMessage());
    }

    @Test
    void withoutTheIpvsModuleTheErrorSaysSo() {
        IpvsSysctls s = new IpvsSysctls(vs.resolve("missing"));
        ArpSysctls.SysctlException e = assertThrows(ArpSysctls.SysctlException.class, s::read);
        assertEquals("no IPVS settings at " + vs.resolve("missing") + " (is the ip_vs module loaded?)", e.getMessage());
    }

    @Test
    void somethingThatIsNotANumberIsNamed() throws Exception {
        seed(1, 0);
        Files.writeString(vs.resolve("expire_nodest_conn"), "yes\n");
        ArpSysctls.SysctlException e = assertThrows(ArpSysctls.SysctlException.class, () -> new IpvsSysctls(vs).read());
        assertEquals("net.ipv4.vs.expire_nodest_conn (" + vs.resolve("expire_nodest_conn") + ") does not hold a number", e.getMessage());
    }
}
