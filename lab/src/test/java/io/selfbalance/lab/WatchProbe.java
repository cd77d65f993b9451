package io.selfbalance.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the lab's namespace watch against a real kernel (inside user-mode-linux): prints what it reads
 * from {@code /proc/<pid>/net/ip_vs} and the VIP placement of each namespace, then tells the script to
 * stop refreshing the VIP's lifetime (by creating {@code stopFile}) and prints when the watch saw the
 * kernel expire the VIP on the first namespace's eth0.
 */
public final class WatchProbe {

    private WatchProbe() {}

    public static void main(String[] args) throws Exception {
        String vip = args[0];
        int port = Integer.parseInt(args[1]);
        Path stopFile = Path.of(args[2]);
        NsWatch first = null;
        for (int i = 3; i < args.length; i++) {
            NsWatch w = new NsWatch(args[i], vip);
            java.util.Map<String, Integer> ipvs = w.ipvs(port);
            System.out.println("WATCH ns=" + args[i] + " eth0=" + w.vipOnEth0() + " lo=" + w.vipOnLo()
                    + " ipvs=" + (ipvs == null ? null : new java.util.TreeMap<>(ipvs)));
            if (first == null) {
                first = w;
            } else {
                w.close();
            }
        }
        NsWatch watched = first;
        long t0 = System.currentTimeMillis();
        Files.writeString(stopFile, "stop\n");
        long ms = Lab.waitFor(() -> !watched.vipOnEth0(), 30_000, 10);
        System.out.println("WATCH-GONE ms=" + ms + " eventAfterMs=" + (ms < 0 ? -1 : watched.changedAtMs() - t0));
        watched.close();
    }
}
