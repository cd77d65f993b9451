package io.selfbalance.ipvs.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File logic against a stand-in conf directory; the real /proc/sys is exercised inside user-mode-linux. */
class ArpSysctlsTest {
    @TempDir
    Path conf;

    private void seed(String scope, int ignore, int announce) throws Exception {
        Files.createDirectories(conf.resolve(scope));
        Files.writeString(conf.resolve(scope).resolve("arp_ignore"), ignore + "\n");
        Files.writeString(conf.resolve(scope).resolve("arp_announce"), announce + "\n");
    }

    @Test
    void applyReturnsWhatWasThereAndRestorePutsItBack() throws Exception {
        seed("all", 0, 0);
        seed("eth0", 1, 0);
        ArpSysctls s = new ArpSysctls(conf);
        ArpSysctls.Settings before = s.applyDirectRouting("eth0");
        assertEquals(new ArpSysctls.Settings("eth0", 0, 0, 1, 0), before);
        assertEquals(new ArpSysctls.Settings("eth0", 3, 2, 3, 2), s.read("eth0"));
        assertEquals("3\n", Files.readString(conf.resolve("all/arp_ignore")));
        s.restore(before);
        assertEquals(before, s.read("eth0"));
    }

    @Test
    void badValuesAndNamesAreRefusedNamingThem() throws Exception {
        seed("all", 0, 0);
        seed("eth0", 0, 0);
        ArpSysctls s = new ArpSysctls(conf);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.apply("eth0", 5, 2)).getMessage().contains("arp_ignore 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.apply("eth0", 3, 3)).getMessage().contains("arp_announce 3"));
        assertThrows(IllegalArgumentException.class, () -> s.read("../x"));
        ArpSysctls.SysctlException e = assertThrows(ArpSysctls.SysctlException.class, () -> s.read("eth9"));
        assertTrue(e.getMessage().contains("'eth9'") && e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(new ArpSysctls.Settings("eth0", 0, 0, 0, 0), s.read("eth0"), "nothing changed by refused input");
    }

    @Test
    void unwritableSettingGivesAClearError() throws Exception {
        seed("all", 0, 0);
        Files.createDirectories(conf.resolve("eth0"));
        Files.writeString(conf.resolve("eth0/arp_ignore"), "0\n");
        // a directory where the file should be: writing fails even for root
        Files.createDirectories(conf.resolve("eth0/arp_announce"));
        ArpSysctls s = new ArpSysctls(conf);
        ArpSysctls.SysctlException e = assertThrows(ArpSysctls.SysctlException.class, () -> s.read("eth0"));
        assertTrue(e.getMessage().startsWith("cannot read net.ipv4.conf.eth0.arp_announce"), e.getMessage());
    }
}
