package io.selfbalance.ipvs;

import static io.selfbalance.ipvs.Addresses.parse;

import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark (not a test): programs 1000 IPVS destinations with our client and with
 * {@code ipvsadm -R} on the same table, and times one weight change, inside the user-mode-linux
 * kernel. Run on the host: it boots UML and runs itself inside with {@code inside}.
 *
 * <pre>
 * mvn -B -q -f ipvs/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/ipvs-cp.txt
 * java -cp ipvs/target/classes:ipvs/target/test-classes:$(cat /tmp/ipvs-cp.txt) io.selfbalance.ipvs.DataPlaneBenchmark
 * </pre>
 */
public final class DataPlaneBenchmark {
    static final int DESTINATIONS = 1000;
    static final int RUNS = 5;
    static final int WEIGHT_CHANGES = 200;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("inside")) {
            inside();
            return;
        }
        inProcessOnly();
        UmlKernel.Result r = UmlKernel.run(UmlKernel.javaCommand(DataPlaneBenchmark.class, "inside") + "\n", Duration.ofMinutes(10));
        System.out.println(r.output());
        r.assertSuccess();
    }

    static void inside() {
        IpvsService web = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");
        List<IpvsDestination> dests = new ArrayList<>();
        StringBuilder restore = new StringBuilder("-A -t 192.168.77.254:80 -s wrr\n");
        for (int i = 0; i < DESTINATIONS; i++) {
            IpvsDestination d = IpvsDestination.directRoute(parse("10.9." + (i / 250) + "." + (i % 250 + 1)), 80, 1);
            dests.add(d);
            restore.append("-a -t 192.168.77.254:80 -r ").append(d.key()).append(" -g -w 1\n");
        }
        List<IpvsOperation> ops = new ArrayList<>();
        ops.add(new IpvsOperation.AddService(web));
        dests.forEach(d -> ops.add(new IpvsOperation.AddDestination(web.key(), d)));
        Ipvsadm.sh("cat > /run/table.txt", restore.toString());

        double[] ipvsadmMs = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            String out = Ipvsadm.sh("ipvsadm -C; s=$(date +%s%N); ipvsadm -R < /run/table.txt; e=$(date +%s%N); echo $(( (e - s) / 1000 ))");
            ipvsadmMs[run] = Long.parseLong(out.strip()) / 1000.0;
            check(Ipvsadm.sh("ipvsadm -S -n | wc -l").strip(), String.valueOf(DESTINATIONS + 1), "ipvsadm -R");
        }
        double[] oursMs = new double[RUNS];
        long sends = 0;
        try (IpvsClient ipvs = IpvsClient.open()) {
            for (int run = 0; run < RUNS; run++) {
                ipvs.flush();
                long s0 = ipvs.connection().sends();
                long t0 = System.nanoTime();
                ipvs.applyOrThrow(ops);
                oursMs[run] = (System.nanoTime() - t0) / 1e6;
                sends = ipvs.connection().sends() - s0;
                check(Ipvsadm.sh("ipvsadm -S -n | wc -l").strip(), String.valueOf(DESTINATIONS + 1), "our client");
            }
            // one weight change in the 1000-destination table
            String ipvsadmEdit = Ipvsadm.sh("s=$(date +%s%N); ipvsadm -e -t 192.168.77.254:80 -r 10.9.0.1:80 -g -w 3; "
                    + "e=$(date +%s%N); echo $(( (e - s) / 1000 ))");
            double[] setWeightUs = new double[WEIGHT_CHANGES];
            for (int i = 0; i < WEIGHT_CHANGES; i++) {
                IpvsDestination d = dests.get(i % DESTINATIONS);
                long t0 = System.nanoTime();
                ipvs.setWeight(web.key(), d, 2 + i % 50);
                setWeightUs[i] = (System.nanoTime() - t0) / 1e3;
            }
            IpvsReconciler reconciler = new IpvsReconciler(ipvs, Set.of(web.key()));
            List<IpvsDestination> desired = new ArrayList<>(dests);
            reconciler.reconcile(IpvsTable.of(Map.of(web, desired)));
            double[] reconcileUs = new double[50];
            for (int i = 0; i < reconcileUs.length; i++) {
                desired.set(i, desired.get(i).withWeight(7 + i));
                IpvsTable table = IpvsTable.of(Map.of(web, List.copyOf(desired)));
                long m0 = ipvs.connection().messagesSent();
                long t0 = System.nanoTime();
                reconciler.reconcile(table);
                reconcileUs[i] = (System.nanoTime() - t0) / 1e3;
                check(String.valueOf(ipvs.connection().messagesSent() - m0), "1", "messages per reconciled weight change");
            }
            check(Ipvsadm.sh("ipvsadm -Ln -t 192.168.77.254:80 | grep -c Route").strip(), String.valueOf(DESTINATIONS), "final table");
            System.out.printf("BENCH destinations=%d runs=%d%n", DESTINATIONS, RUNS);
            System.out.printf("BENCH ipvsadm -R (ms, process incl.): %s%n", fmt(ipvsadmMs));
            System.out.printf("BENCH our client batch (ms, in process): %s  [%d sends for %d messages]%n", fmt(oursMs), sends, ops.size());
            System.out.printf("BENCH speedup (median ipvsadm -R / median ours, warm runs 2..%d): %.1fx%n", RUNS,
                    median(Arrays.copyOfRange(ipvsadmMs, 1, RUNS)) / median(Arrays.copyOfRange(oursMs, 1, RUNS)));
            System.out.printf("BENCH ipvsadm -e one weight (ms, process incl.): %.2f%n", Long.parseLong(ipvsadmEdit.strip()) / 1000.0);
            System.out.printf("BENCH our setWeight (us, in process) first=%.0f median=%.0f p90=%.0f (n=%d)%n",
                    setWeightUs[0], median(setWeightUs), percentile(setWeightUs, 0.9), WEIGHT_CHANGES);
            System.out.printf("BENCH reconciler weight change in %d (us, plan + 1 message) median=%.0f p90=%.0f (n=%d)%n",
                    DESTINATIONS, median(reconcileUs), percentile(reconcileUs, 0.9), reconcileUs.length);
            ipvs.flush();
        }
    }

    /**
     * Our side alone, on the host JVM against the fake kernel (no system calls): what a weight change
     * in a 1000-destination table costs in process before the kernel sees the message.
     */
    static void inProcessOnly() {
        FakeIpvsKernel kernel = new FakeIpvsKernel();
        IpvsService web = IpvsService.tcp(parse("192.168.77.254"), 80, "wrr");
        List<IpvsDestination> desired = new ArrayList<>();
        for (int i = 0; i < DESTINATIONS; i++) {
            desired.add(IpvsDestination.directRoute(parse("10.9." + (i / 250) + "." + (i % 250 + 1)), 80, 1));
        }
        IpvsReconciler reconciler = new IpvsReconciler(kernel.client(), Set.of(web.key()));
        reconciler.reconcile(IpvsTable.of(Map.of(web, List.copyOf(desired))));
        double[] us = new double[2000];
        for (int i = 0; i < us.length; i++) {
            desired.set(i % DESTINATIONS, desired.get(i % DESTINATIONS).withWeight(2 + i % 100));
            IpvsTable table = IpvsTable.of(Map.of(web, List.copyOf(desired)));
            long t0 = System.nanoTime();
            reconciler.reconcile(table);
            us[i] = (System.nanoTime() - t0) / 1e3;
        }
        double[] warm = Arrays.copyOfRange(us, 1000, us.length);
        System.out.printf("BENCH host JVM, fake kernel: reconciler weight change in %d (us) median=%.0f p90=%.0f (n=%d after 1000 warm-up)%n",
                DESTINATIONS, median(warm), percentile(warm, 0.9), warm.length);
    }

    static void check(String actual, String expected, String what) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException(what + ": expected " + expected + " but was " + actual);
        }
    }

    static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(String.format("%.1f ", x));
        }
        return b.toString().trim() + String.format(" (median %.1f)", median(v));
    }

    static double median(double[] v) {
        return percentile(v, 0.5);
    }

    static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p * (s.length - 1) + 0.5))];
    }
}
