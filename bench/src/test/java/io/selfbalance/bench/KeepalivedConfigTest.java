package io.selfbalance.bench;

import io.selfbalance.lab.BenchLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference configuration is accepted by the real keepalived 2.2.7 ({@code keepalived -t}) and carries the lab's timers. */
class KeepalivedConfigTest {

    @TempDir
    Path tmp;

    @Test
    void keepalivedAcceptsTheGeneratedConfigurationWithTheLabsTimers() throws Exception {
        BenchLab lab = BenchLab.withoutJetty(BenchLab.settings(3, 100, 20), tmp);
        KeepalivedNodes ka = new KeepalivedNodes(lab, tmp);
        Path ready = tmp.resolve("ready-n1.sh");
        Files.writeString(ready, "#!/bin/sh\ntrue\n");
        ready.toFile().setExecutable(true);
        String conf = ka.config(0, ready);
        assertTrue(conf.contains("advert_int 0.10"), conf);
        assertTrue(conf.contains("priority 150"), conf);
        assertTrue(conf.contains("lvs_sched wrr") && conf.contains("lvs_method DR"), conf);
        assertTrue(conf.contains("real_server 192.168.77.13 8080 {\n    weight 3"), conf);
        long probeS = lab.settings().probeIntervalMs() / 1000;
        assertTrue(conf.contains("retry " + (lab.settings().probeFall() - 1)) && conf.contains("delay_loop " + probeS)
                && conf.contains("delay_before_retry " + probeS) && conf.contains("fall " + lab.settings().probeFall()), conf);
        Path file = tmp.resolve("k.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder("keepalived", "-t", "-l", "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "keepalived -t rejected the configuration:\n" + out + "\n" + conf);
    }
}
