package io.selfbalance.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lab's parsers on outputs captured from the real tools. */
class PartsTest {

    @Test
    void readsTheIpvsTableOfProcNet() {
        // /proc/net/ip_vs as the UML 6.1 kernel prints it (VIP 192.168.77.254:8080, three DR destinations)
        String proc = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
                TCP  C0A84D0A:0050 rr
                  -> C0A84D0B:0050      Route   9      0          0
                TCP  C0A84DFE:1F90 wrr
                  -> C0A84D0D:1F90      Route   3      0          0
                  -> C0A84D0C:1F90      Route   0      1          4
                  -> C0A84D0B:1F90      Local   1      0          0
                """;
        Map<String, Integer> w = NsWatch.parseIpvs(proc, "192.168.77.254", 8080);
        assertEquals(Map.of("192.168.77.13", 3, "192.168.77.12", 0, "192.168.77.11", 1), w);
        assertNull(NsWatch.parseIpvs(proc, "192.168.77.254", 80));
        assertEquals("C0A84DFE", NsWatch.hex("192.168.77.254"));
    }

    @Test
    void takesTheJavaCommandFromStartJarsDryRun() {
        String dry = "WARN  : something\n/usr/lib/jvm/java-17-openjdk-amd64/bin/java -Djava.io.tmpdir=/tmp -Djetty.home=/w/h "
                + "--class-path /w/b/resources:/w/h/lib/x.jar org.eclipse.jetty.xml.XmlConfiguration jetty.base=/w/b /w/h/etc/jetty.xml\n";
        List<String> cmd = JettyBases.dryRunCommand(dry);
        assertEquals("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", cmd.get(0));
        assertEquals("org.eclipse.jetty.xml.XmlConfiguration", cmd.get(5));
        assertEquals(8, cmd.size());
        assertThrows(IllegalStateException.class, () -> JettyBases.dryRunCommand("ERROR : no module"));
    }

    @Test
    void tracksTheVipFromAddressEvents() {
        NsWatchState s = new NsWatchState();
        s.apply("3: eth0    inet 192.168.77.11/24 scope global eth0\\       valid_lft forever preferred_lft forever");
        assertFalse(s.w.vipOnEth0());
        s.apply("1: lo    inet 192.168.77.254/32 scope host lo\\       valid_lft forever preferred_lft forever");
        assertTrue(s.w.vipOnLo());
        s.apply("Deleted 1: lo    inet 192.168.77.254/32 scope host lo\\       valid_lft forever preferred_lft forever");
        s.apply("3: eth0    inet 192.168.77.254/24 scope global secondary dynamic eth0\\       valid_lft 3sec preferred_lft 3sec");
        assertFalse(s.w.vipOnLo());
        assertTrue(s.w.vipOnEth0());
        s.apply("Deleted 3: eth0    inet 192.168.77.254/24 scope global secondary dynamic eth0\\       valid_lft 0sec preferred_lft 0sec");
        assertFalse(s.w.vipOnEth0());
    }

    @Test
    void settingsRoundTripAndComplainByName() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("lab", ".properties");
        try {
            LabSettings d = LabSettings.defaults();
            d.store(f);
            assertEquals(d, LabSettings.load(f));
        } finally {
            java.nio.file.Files.delete(f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lab.play(
                Lab.options(new String[] {"play", "--work", "/nonexistent", "--scenario", "x"}), System.out));
        assertTrue(e.getMessage().startsWith("--scenario 'x' is not allowed; allowed: all, steady, backup-health"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Lab.options(new String[] {"play", "--frobnicate"}));
        assertEquals("unknown argument '--frobnicate'", e.getMessage());
    }

    /** An NsWatch without its monitor process, to feed it lines. */
    private static final class NsWatchState {
        final NsWatch w = NsWatch.detached("192.168.77.254");

        void apply(String line) {
            w.apply(line);
        }
    }
}
