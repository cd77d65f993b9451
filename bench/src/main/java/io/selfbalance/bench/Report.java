package io.selfbalance.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the records of {@code Bench measure} into {@code report.md} and PNG plots (drawn with
 * java.awt in headless mode: no plotting library, no display). Figures come only from the records;
 * where a measurement is missing the report says so instead of showing a number.
 */
final class Report {

    /** One failover trial as recorded. */
    record Trial(String system, long advertMs, String fault, int trial, long outageMs, long firstSuccessMs, long failed,
                 long sent, double rate, String oldMaster, String newMaster, long takeoverMs, long backMs) {
        /** The outage ({@link Report#firstOk}); rows without backMs fall back to the first success. */
        long outage() {
            return backMs >= 0 ? backMs : firstSuccessMs;
        }
    }

    private Report() {}

    static List<String[]> rows(Path results) {
        try {
            List<String[]> r = new ArrayList<>();
            for (String line : Files.readAllLines(results)) {
                if (!line.isBlank()) {
                    r.add(line.split("\t", -1));
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + results, e);
        }
    }

    static List<Trial> trials(List<String[]> rows) {
        List<Trial> t = new ArrayList<>();
        for (String[] r : rows) {
            if (r[0].equals("failover") && r.length >= 13) {
                t.add(new Trial(r[1], Long.parseLong(r[2]), r[3], Integer.parseInt(r[4]), Long.parseLong(r[5]), Long.parseLong(r[6]),
                        Long.parseLong(r[7]), Long.parseLong(r[8]), Double.parseDouble(r[9]), r[10], r[11], Long.parseLong(r[12]),
                        r.length > 13 ? Long.parseLong(r[13]) : -1)); // results of runs before 2026-11-26 have no backMs
            }
        }
        return t;
    }

    /** Nearest-rank percentile of the values (p in 0..100); NaN when empty. */
    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }

    static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    static void write(Path results, Path outDir, Path meta, PrintStream log) {
        write(results, outDir, meta, null, log);
    }

    /** With {@code notes}: a reading of the run written by whoever ran it, put after the machine section. */
    static void write(Path results, Path outDir, Path meta, Path notes, PrintStream log) {
        System.setProperty("java.awt.headless", "true");
        List<String[]> rows = rows(results);
        List<Trial> trials = trials(rows);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir, e);
        }
        StringBuilder md = new StringBuilder();
        md.append("# Selfbalance vs keepalived: benchmark report\n\n");
        md.append("Written by `bench` (`io.selfbalance.bench.Bench report`) from the raw records in `results.tsv`.\n")
                .append("Every figure below was measured in Debian's **user-mode-linux** kernel (the host kernel has no IPVS): ")
                .append("one virtual CPU that traps every system call, shared by the nodes, keepalived, the client and the bench. ")
                .append("Absolute times are therefore slower than on real hardware; both systems ran in the same kernel, topology and client.\n\n");
        md.append("## Machine, versions, settings\n\n```\n");
        if (meta != null && Files.exists(meta)) {
            try {
                md.append(Files.readString(meta).strip()).append('\n');
            } catch (IOException e) {
                md.append("(cannot read ").append(meta).append(")\n");
            }
        }
        for (String[] r : rows) {
            if (r[0].equals("note")) {
                md.append("note: ").append(String.join(" ", List.of(r).subList(1, r.length))).append('\n');
            }
        }
        md.append("```\n\n");
        if (notes != null) {
            try {
                md.append("## Reading this run\n\n").append(Files.readString(notes).strip()).append("\n\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + notes, e);
            }
        }

        failover(md, trials, outDir, log);
        health(md, rows);
        serving(md, rows);
        footprint(md, rows);
        robust(md, rows);
        targets(md, trials, rows);
        raw(md, trials);
        Path report = outDir.resolve("report.md");
        try {
            Files.writeString(report, md.toString());
            if (!results.toAbsolutePath().equals(outDir.resolve("results.tsv").toAbsolutePath())) {
                Files.copy(results, outDir.resolve("results.tsv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        log.println("bench: wrote " + report + " (" + trials.size() + " failover trials)");
    }

    static List<Long> outages(List<Trial> trials, String system, long advert, String fault) {
        List<Long> v = new ArrayList<>();
        for (Trial t : trials) {
            if (t.system().equals(system) && t.advertMs() == advert && t.fault().equals(fault) && t.outageMs() >= 0) {
                v.add(t.outageMs());
            }
        }
        return v;
    }

    /**
     * The outage: from the fault to the first success after it, where "after" means after the fault took
     * effect (the first failed request sent after the fault; 0 when nothing failed). Requests sent after the fault
     * command but before it bites still succeed, so the first success sent after the fault alone would say nothing.
     * Trials without a figure are left out; rows written before the figure existed fall back to the first success.
     */
    static List<Long> firstOk(List<Trial> trials, String system, long advert, String fault) {
        List<Long> v = new ArrayList<>();
        for (Trial t : trials) {
            if (t.system().equals(system) && t.advertMs() == advert && t.fault().equals(fault)) {
                if (t.outage() >= 0) {
                    v.add(t.outage());
                }
            }
        }
        return v;
    }

    static List<Trial> select(List<Trial> trials, String system, long advert, String fault) {
        List<Trial> v = new ArrayList<>();
        for (Trial t : trials) {
            if (t.system().equals(system) && t.advertMs() == advert && t.fault().equals(fault)) {
                v.add(t);
            }
        }
        return v;
    }

    static Set<Long> adverts(List<Trial> trials) {
        Set<Long> a = new LinkedHashSet<>();
        trials.forEach(t -> a.add(t.advertMs()));
        return a;
    }

    private static void failover(StringBuilder md, List<Trial> trials, Path outDir, PrintStream log) {
        md.append("## 1. Failover as the client sees it (issue 8.1)\n\n")
                .append("A load client (the lab's `LoadClient`, its own JVM in namespace `c`) opens a new TCP connection to ")
                .append("VIP:8080 and sends `GET /api/whoami` at a fixed interval (see settings). **Outage** (the issue's definition) = ")
                .append("from the fault to the reply of the first success sent after the fault took effect (after the first failed ")
                .append("request sent after the fault; 0 when nothing failed): the fault command itself takes tens of ms inside ")
                .append("user-mode-linux, and requests sent before it bites still succeed. **Until clean** = from the fault to the ")
                .append("reply of the first success sent after the last failure of the window (0 when nothing failed; `n/a` when the ")
                .append("window closed before failures stopped): it includes requests that the new master still sends to a dead node until ")
                .append("its health checks take that node's weight away. **Failed** = failed requests in the window. Faults on the master: ")
                .append("`cut` = its bridge port set down; `kill` = SIGKILL of the node (Selfbalance: the Jetty JVM; ")
                .append("keepalived: all keepalived processes and the stand-in server; the kernel keeps the VIP and IPVS table keepalived set); ")
                .append("`stop` = SIGTERM (Selfbalance: Jetty's graceful stop with the module's handover; keepalived: keepalived only, the ")
                .append("server keeps serving); `health` = its readiness DOWN (Selfbalance: the demo webapp's switch file, the master ")
                .append("resigns; keepalived: a `vrrp_script` on the same switch file puts the instance in FAULT, priority 0).\n\n");
        md.append("| advert | fault | KA outage median / p95 (ms) | KA until clean (median) | KA failed (median) | n | SB outage median / p95 (ms) | SB until clean (median) | SB failed (median) | n | ratio SB/KA (outage medians) | client conn/s |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (long a : adverts(trials)) {
            for (String f : Bench.FAULTS) {
                List<Trial> ka = select(trials, "keepalived", a, f);
                List<Trial> sb = select(trials, "selfbalance", a, f);
                if (ka.isEmpty() && sb.isEmpty()) {
                    continue;
                }
                List<Long> kf = firstOk(trials, "keepalived", a, f);
                List<Long> sf = firstOk(trials, "selfbalance", a, f);
                double km = median(kf);
                double sm = median(sf);
                String ratio = Double.isNaN(km) || Double.isNaN(sm) ? "n/a"
                        : km == 0 ? (sm == 0 ? "1.00 (both 0)" : "inf (KA 0)") : String.format(Locale.ROOT, "%.2f", sm / km);
                double rate = 0;
                int rn = 0;
                for (Trial t : ka) {
                    rate += t.rate();
                    rn++;
                }
                for (Trial t : sb) {
                    rate += t.rate();
                    rn++;
                }
                md.append("| ").append(a).append(" ms | ").append(f).append(" | ")
                        .append(ka.isEmpty() ? "not measured" : ms(km) + " / " + ms(percentile(kf, 95))).append(" | ")
                        .append(clean(trials, "keepalived", a, f)).append(" | ").append(ms(medianFailed(ka))).append(" | ").append(ka.size())
                        .append(" | ").append(sb.isEmpty() ? "not measured" : ms(sm) + " / " + ms(percentile(sf, 95))).append(" | ")
                        .append(clean(trials, "selfbalance", a, f)).append(" | ").append(ms(medianFailed(sb))).append(" | ").append(sb.size())
                        .append(" | ").append(ratio).append(" | ").append(rn == 0 ? "-" : String.format(Locale.ROOT, "%.0f", rate / rn)).append(" |\n");
            }
        }
        md.append('\n');
        for (long a : adverts(trials)) {
            String name = "failover-" + a + "ms.png";
            plot(trials, a, outDir.resolve(name));
            md.append("![failover outage per trial at ").append(a).append(" ms adverts](").append(name).append(")\n\n");
            log.println("bench: plotted " + name);
        }
    }

    /** Median "until clean" over the trials that got clean, and how many did not within the window. */
    private static String clean(List<Trial> trials, String system, long advert, String fault) {
        List<Trial> all = select(trials, system, advert, fault);
        if (all.isEmpty()) {
            return "-";
        }
        List<Long> ok = outages(trials, system, advert, fault);
        int missing = all.size() - ok.size();
        return ms(median(ok)) + (missing == 0 ? "" : " (" + missing + " of " + all.size() + " n/a)");
    }

    private static double medianFailed(List<Trial> ts) {
        List<Long> v = new ArrayList<>();
        ts.forEach(t -> v.add(t.failed()));
        return median(v);
    }

    private static void health(StringBuilder md, List<String[]> rows) {
        md.append("## 2. Health reaction (issue 8.2)\n\n")
                .append("The lowest-priority backup's readiness is turned DOWN; measured: from the switch to weight 0 in the ")
                .append("master's IPVS table (read from the master namespace's `/proc/net/ip_vs` every 5 ms). keepalived: ")
                .append("`HTTP_GET /health/ready` with `delay_loop` = probe interval, `retry` = fall - 1, `delay_before_retry` = probe interval, ")
                .append("`inhibit_on_failure`. \"To the last request it served\" is not measured by this bench.\n\n")
                .append("| system | advert | probe interval x fall | DOWN -> weight 0 (ms), per trial | bound (interval x fall + 50 ms) |\n|---|---|---|---|---|\n");
        Map<String, List<String>> by = new LinkedHashMap<>();
        Map<String, String> bound = new LinkedHashMap<>();
        Map<String, String> timers = new LinkedHashMap<>();
        for (String[] r : rows) {
            if (r[0].equals("health") && r.length >= 9) {
                String k = r[1] + "\t" + r[2];
                by.computeIfAbsent(k, x -> new ArrayList<>()).add(r[5].equals("-1") ? "timeout" : r[5]);
                bound.put(k, r[6]);
                timers.put(k, r[7] + " ms x " + r[8]);
            }
        }
        if (by.isEmpty()) {
            md.append("| (not measured in this run) | | | | |\n");
        }
        by.forEach((k, v) -> md.append("| ").append(k.split("\t")[0]).append(" | ").append(k.split("\t")[1]).append(" ms | ")
                .append(timers.get(k)).append(" | ").append(String.join(", ", v)).append(" | ").append(bound.get(k)).append(" |\n"));
        md.append('\n');
    }

    private static void serving(StringBuilder md, List<String[]> rows) {
        md.append("## 3. Serving overhead (issue 8.3)\n\n")
                .append("On the host, not in user-mode-linux (`bench/serving`): one Jetty node with the module enabled and the same ")
                .append("jetty.base without `start.d/selfbalance.ini` (module disabled), same demo webapp and JVM flags, each in a network ")
                .append("namespace of its own, `wrk -t2 -c16 --latency` on loopback against `/api/whoami`, rounds alternating between the two. ")
                .append("The host kernel has no IPVS, so the enabled node runs with its cluster layer inactive (the module refuses the data ")
                .append("plane and stays out of VRRP; health, status and metrics endpoints are up): this is the module's cost on a node's ")
                .append("request path, not the cost of a node that is master.\n\n")
                .append("| variant | rounds | req/s per round | median req/s | p99 ms per round | median p99 ms |\n|---|---|---|---|---|---|\n");
        Map<String, List<Long>> rps = new LinkedHashMap<>();
        Map<String, List<Long>> p99 = new LinkedHashMap<>();
        Map<String, List<String>> rpsText = new LinkedHashMap<>();
        Map<String, List<String>> p99Text = new LinkedHashMap<>();
        for (String[] r : rows) {
            if (r[0].equals("serving") && r.length >= 6 && !r[3].isEmpty()) {
                rps.computeIfAbsent(r[1], k -> new ArrayList<>()).add(Math.round(Double.parseDouble(r[3])));
                p99.computeIfAbsent(r[1], k -> new ArrayList<>()).add(Math.round(Double.parseDouble(r[5]) * 1000));
                rpsText.computeIfAbsent(r[1], k -> new ArrayList<>()).add(r[3]);
                p99Text.computeIfAbsent(r[1], k -> new ArrayList<>()).add(r[5]);
            }
        }
        if (rps.isEmpty()) {
            md.append("| (not measured in this run) | | | | | |\n\n");
            return;
        }
        for (String v : rps.keySet()) {
            md.append("| ").append(v).append(" | ").append(rps.get(v).size()).append(" | ").append(String.join(", ", rpsText.get(v)))
                    .append(" | ").append(ms(median(rps.get(v)))).append(" | ").append(String.join(", ", p99Text.get(v))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", median(p99.get(v)) / 1000.0)).append(" |\n");
        }
        if (rps.containsKey("module") && rps.containsKey("plain")) {
            md.append("\nThroughput with the module / without (medians): ").append(String.format(Locale.ROOT, "%.1f %%",
                    100.0 * median(rps.get("module")) / median(rps.get("plain")))).append(".\n");
        }
        md.append('\n');
    }

    private static void footprint(StringBuilder md, List<String[]> rows) {
        md.append("## 5. Footprint (issue 8.5)\n\n")
                .append("Idle (no client), per node: resident set, threads and CPU (utime+stime from `/proc/PID/stat` over the ")
                .append("window, as a share of UML's one virtual CPU). Selfbalance: the whole Jetty JVM with the module and the demo ")
                .append("webapp (heap: used after a full GC, `jcmd GC.heap_info`); keepalived: its three processes (parent, VRRP, checkers). ")
                .append("The module's own threads are counted apart (threads named `selfbalance-*` and `vrrp-rx-*`, from ")
                .append("`/proc/PID/task/*/comm`), with their CPU from `/proc/PID/task/TID/stat`; its heap is not isolated (heap used is the ")
                .append("whole JVM's: Jetty, the webapp and the module).\n\n")
                .append("| system | advert | node | RSS (KiB) | threads | CPU (% of a core) | window (s) | heap used (KiB) | module threads | module CPU (% of a core) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        boolean any = false;
        for (String[] r : rows) {
            if (r[0].equals("footprint") && r.length >= 9) {
                any = true;
                md.append("| ").append(r[1]).append(" | ").append(r[2]).append(" ms | ").append(r[3]).append(" | ").append(r[4])
                        .append(" | ").append(r[5]).append(" | ").append(r[6]).append(" | ").append(r[7]).append(" | ").append(r[8])
                        .append(" | ").append(r.length > 10 ? r[9] : "-").append(" | ").append(r.length > 10 ? r[10] : "-").append(" |\n");
            }
        }
        if (!any) {
            md.append("| (not measured in this run) | | | | | | | | | |\n");
        }
        md.append('\n');
    }

    private static void robust(StringBuilder md, List<String[]> rows) {
        md.append("## 6. Timer robustness (issue 8.6)\n\n")
                .append("No fault injected; the client keeps its load on the VIP; every change of the set of nodes holding the VIP on eth0 ")
                .append("(polled every 20 ms) counts as a transition. GC pressure: the demo webapp's `/api/work?ms=20` (a SHA-256 chain, ")
                .append("one new digest array per round) requested through the VIP every 100 ms next to the client's load ")
                .append("(keepalived's stand-in servers answer it like any other path, without the work).\n\n")
                .append("| system | advert | duration (s) | transitions | requests | failed | /api/work answered |\n|---|---|---|---|---|---|---|\n");
        boolean any = false;
        for (String[] r : rows) {
            if (r[0].equals("robust") && r.length >= 7) {
                any = true;
                md.append("| ").append(r[1]).append(" | ").append(r[2]).append(" ms | ").append(r[3]).append(" | ").append(r[4])
                        .append(" | ").append(r[5]).append(" | ").append(r[6]).append(" | ").append(r.length > 7 ? r[7] : "-").append(" |\n");
            }
        }
        if (!any) {
            md.append("| (not measured in this run) | | | | | | |\n");
        }
        md.append('\n');
    }

    private static void targets(StringBuilder md, List<Trial> trials, List<String[]> rows) {
        md.append("## Targets of issue 8 next to this run\n\n| target | this run | verdict |\n|---|---|---|\n");
        for (long a : adverts(trials)) {
            for (String f : List.of("cut", "kill")) {
                double k = median(firstOk(trials, "keepalived", a, f));
                double s = median(firstOk(trials, "selfbalance", a, f));
                String verdict = Double.isNaN(k) || Double.isNaN(s) ? "not measured" : s <= k ? "met" : "not met";
                md.append("| unplanned failover (").append(f).append(", ").append(a).append(" ms) ratio SB/KA <= 1.0 | SB ")
                        .append(ms(s)).append(" ms vs KA ").append(ms(k)).append(" ms (medians of ")
                        .append(firstOk(trials, "selfbalance", a, f).size()).append(" / ").append(firstOk(trials, "keepalived", a, f).size())
                        .append(" trials); until clean SB ").append(clean(trials, "selfbalance", a, f)).append(" vs KA ")
                        .append(clean(trials, "keepalived", a, f)).append(" ms | ").append(verdict).append(" |\n");
            }
            for (String f : List.of("stop", "health")) {
                List<Trial> sb = select(trials, "selfbalance", a, f);
                long maxFailed = sb.stream().mapToLong(Trial::failed).max().orElse(-1);
                double k = median(firstOk(trials, "keepalived", a, f));
                md.append("| planned handover (").append(f).append(", ").append(a).append(" ms): 0 failed requests | SB max ")
                        .append(sb.isEmpty() ? "n/a" : Long.toString(maxFailed)).append(" failed in ").append(sb.size())
                        .append(" trials; KA median outage ").append(ms(k)).append(" ms, failed ").append(ms(medianFailed(select(trials, "keepalived", a, f)))).append(" | ")
                        .append(sb.isEmpty() ? "not measured" : maxFailed == 0 ? "met" : "not met").append(" |\n");
            }
        }
        List<Long> sbHealth = new ArrayList<>();
        long bound = -1;
        for (String[] r : rows) {
            if (r[0].equals("health") && r[1].equals("selfbalance")) {
                sbHealth.add(Long.parseLong(r[5]));
                bound = Long.parseLong(r[6]);
            }
        }
        long worst = sbHealth.stream().mapToLong(x -> x < 0 ? Long.MAX_VALUE : x).max().orElse(-1);
        md.append("| health DOWN to weight 0 within interval x fall + 50 ms | SB ").append(sbHealth).append(" ms, bound ").append(bound)
                .append(" ms | ").append(sbHealth.isEmpty() ? "not measured" : worst <= bound ? "met" : "not met").append(" |\n");
        md.append("| 1000 destinations >= 10x faster than `ipvsadm -R`; one weight change < 1 ms in process | see README, ")
                .append("\"Benchmarks: data plane\" (ipvs `DataPlaneBenchmark`; `bench/run --data-plane` runs it) | see there |\n");
        List<Long> mod = new ArrayList<>();
        List<Long> pl = new ArrayList<>();
        for (String[] r : rows) {
            if (r[0].equals("serving") && r.length >= 6 && !r[3].isEmpty()) {
                (r[1].equals("module") ? mod : pl).add(Math.round(Double.parseDouble(r[3])));
            }
        }
        if (mod.isEmpty() || pl.isEmpty()) {
            md.append("| serving throughput >= 99% of plain Jetty, p99 unchanged (wrk) | not measured in this run | not measured |\n");
        } else {
            double share = 100.0 * median(mod) / median(pl);
            md.append("| serving throughput >= 99% of plain Jetty, p99 unchanged (wrk) | ").append(String.format(Locale.ROOT, "%.1f %%", share))
                    .append(" of plain (medians of ").append(mod.size()).append(" rounds; host, cluster layer inactive; see section 3 for p99) | ")
                    .append(share >= 99 ? "met (throughput)" : "not met").append(" |\n");
        }
        String fp = "not measured";
        String fv = "not measured";
        for (String[] r : rows) {
            if (r[0].equals("footprint") && r[1].equals("selfbalance")) {
                fp = "whole JVM: RSS " + r[4] + " KiB, " + r[5] + " threads, CPU " + r[6] + " %, heap used " + r[8] + " KiB";
                if (r.length > 10) {
                    long threads = Long.parseLong(r[9]);
                    double cpu = Double.parseDouble(r[10]);
                    fp += "; the module's threads: " + threads + ", their CPU " + r[10] + " % (" + r[3] + ", " + r[2] + " ms adverts)";
                    fv = (threads <= 3 ? "threads met" : "threads not met") + ", " + (cpu <= 0.2 ? "CPU met" : "CPU not met")
                            + ", heap not isolated";
                } else {
                    fv = "not isolated";
                }
                break;
            }
        }
        md.append("| module footprint <= 16 MB heap, <= 3 threads, idle CPU <= 0.2 % at 100 ms | ").append(fp)
                .append(" | ").append(fv).append(" |\n");
        String rb = "not measured";
        String rv = "not measured";
        for (String[] r : rows) {
            if (r[0].equals("robust") && r[1].equals("selfbalance")) {
                rb = r[4] + " transitions in " + r[3] + " s at " + r[2] + " ms";
                rv = r[4].equals("0") ? "met (for this duration)" : "not met";
            }
        }
        md.append("| 0 transitions without a fault (10 min at 100 ms, full load) | ").append(rb).append(" | ").append(rv).append(" |\n\n");
    }

    private static void raw(StringBuilder md, List<Trial> trials) {
        md.append("## Raw failover trials\n\n")
                .append("Columns: outage = the issue's figure (fault to first success after the fault took effect); until clean = ")
                .append("fault to first success after the last failure; first ok = fault to first success sent after the fault command ")
                .append("(it may not have bitten yet); -1 = none in the window.\n\n")
                .append("| system | advert | fault | trial | outage ms | until clean ms | first ok ms | failed | sent | conn/s | old master | new master | VIP takeover ms |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Trial t : trials) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %d | %d | %d | %.0f | %s | %s | %d |%n", t.system(), t.advertMs(),
                    t.fault(), t.trial(), t.outage(), t.outageMs(), t.firstSuccessMs(), t.failed(), t.sent(), t.rate(), t.oldMaster(),
                    t.newMaster(), t.takeoverMs()));
        }
        md.append('\n');
    }

    // ---- plot: outage per trial, one column per fault and system -------------------------------------

    static void plot(List<Trial> trials, long advert, Path png) {
        int w = 900;
        int h = 500;
        int left = 80;
        int right = 20;
        int top = 50;
        int bottom = 80;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        List<String[]> cols = new ArrayList<>();
        for (String f : Bench.FAULTS) {
            for (String s : Bench.SYSTEMS) {
                if (!select(trials, s, advert, f).isEmpty()) {
                    cols.add(new String[] {f, s});
                }
            }
        }
        long max = 1;
        for (Trial t : trials) {
            if (t.advertMs() == advert) {
                max = Math.max(max, t.outage());
            }
        }
        double yMax = niceCeil(max * 1.1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("Outage per trial (fault to first success after it took effect), " + advert + " ms adverts (user-mode-linux lab)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int plotW = w - left - right;
        int plotH = h - top - bottom;
        g.setColor(new Color(230, 230, 230));
        for (int i = 0; i <= 5; i++) {
            int y = top + plotH - (int) (plotH * i / 5.0);
            g.drawLine(left, y, w - right, y);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, top + plotH);
        g.drawLine(left, top + plotH, w - right, top + plotH);
        for (int i = 0; i <= 5; i++) {
            int y = top + plotH - (int) (plotH * i / 5.0);
            String label = String.format(Locale.ROOT, "%.0f", yMax * i / 5.0);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawString("ms", 10, top - 8);
        int n = Math.max(1, cols.size());
        double colW = plotW / (double) n;
        for (int c = 0; c < cols.size(); c++) {
            String f = cols.get(c)[0];
            String s = cols.get(c)[1];
            Color color = s.equals("selfbalance") ? new Color(31, 119, 180) : new Color(214, 39, 40);
            double cx = left + colW * (c + 0.5);
            List<Trial> ts = select(trials, s, advert, f);
            for (int i = 0; i < ts.size(); i++) {
                Trial t = ts.get(i);
                double jitter = ts.size() <= 1 ? 0 : (i / (double) (ts.size() - 1) - 0.5) * colW * 0.5;
                int x = (int) (cx + jitter);
                g.setColor(color);
                if (t.outage() < 0) {
                    g.drawString("x", x - 3, top + 10);
                    continue;
                }
                int y = top + plotH - (int) (plotH * Math.min(t.outage(), yMax) / yMax);
                g.fillOval(x - 4, y - 4, 8, 8);
            }
            double med = median(firstOk(trials, s, advert, f));
            if (!Double.isNaN(med)) {
                int y = top + plotH - (int) (plotH * med / yMax);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(2));
                g.drawLine((int) (cx - colW * 0.35), y, (int) (cx + colW * 0.35), y);
                g.drawString(ms(med), (int) (cx + colW * 0.36) - 10, y - 4);
                g.setStroke(new BasicStroke(1));
            }
            g.setColor(color);
            String l1 = s.equals("selfbalance") ? "Selfbalance" : "keepalived";
            g.drawString(l1, (int) (cx - g.getFontMetrics().stringWidth(l1) / 2.0), top + plotH + 20);
            g.setColor(Color.BLACK);
            g.drawString(f, (int) (cx - g.getFontMetrics().stringWidth(f) / 2.0), top + plotH + 38);
        }
        g.drawString("dots: trials; bar: median; x at top: no success in the window", left, h - 15);
        g.dispose();
        try {
            javax.imageio.ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(1, v))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
