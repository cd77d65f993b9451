package io.selfbalance.jetty.cluster;

import io.selfbalance.ipvs.IpvsClient;
import io.selfbalance.ipvs.IpvsOperation;
import io.selfbalance.ipvs.IpvsReconciler;
import io.selfbalance.ipvs.IpvsService;
import io.selfbalance.ipvs.IpvsTable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A data plane that keeps a model of the kernel (VIPs, owned IPVS table) and records every call in order. */
final class RecordingDataPlane implements DataPlane {
    final List<String> calls = new ArrayList<>();
    final Set<InetAddress> onInterface = new HashSet<>();
    final Set<InetAddress> onLoopback = new HashSet<>();
    IpvsTable table = IpvsTable.empty();
    RuntimeException failNext;
    /** Every reconciliation throws this while set (the kernel refusing IPVS at run time). */
    volatile RuntimeException failIpvs;

    private void call(String what) {
        calls.add(what);
        RuntimeException f = failNext;
        if (f != null) {
            failNext = null;
            throw f;
        }
    }

    @Override
    public void applyDrSysctls() {
        call("sysctls on");
    }

    @Override
    public void restoreSysctls() {
        call("sysctls restored");
    }

    @Override
    public void vipOnInterface(InetAddress vip, int prefixLength, Duration lifetime) {
        call("vip on if " + vip.getHostAddress() + "/" + prefixLength + " " + lifetime.toSeconds() + "s");
        onInterface.add(vip);
    }

    @Override
    public void vipOffInterface(InetAddress vip) {
        call("vip off if " + vip.getHostAddress());
        onInterface.remove(vip);
    }

    @Override
    public void vipOnLoopback(InetAddress vip) {
        call("vip on lo " + vip.getHostAddress());
        onLoopback.add(vip);
    }

    @Override
    public void vipOffLoopback(InetAddress vip) {
        call("vip off lo " + vip.getHostAddress());
        onLoopback.remove(vip);
    }

    @Override
    public VipPlacement placement(InetAddress vip) {
        return new VipPlacement(onInterface.contains(vip), 24, 30, onLoopback.contains(vip));
    }

    @Override
    public Announcement announce(InetAddress vip, int repeat, Duration delay, Duration refresh) {
        call("announce " + vip.getHostAddress() + " x" + repeat);
        return new Announcement() {
            @Override
            public void cancel() {
                calls.add("announce cancelled " + vip.getHostAddress());
            }

            @Override
            public long sent() {
                return repeat;
            }
        };
    }

    @Override
    public IpvsReconciler.Report reconcile(IpvsTable desired) {
        RuntimeException f = failIpvs;
        if (f != null) {
            calls.add("ipvs refused");
            throw f;
        }
        Set<IpvsService.Key> all = new HashSet<>();
        desired.entries().forEach(e -> all.add(e.service().key()));
        table.entries().forEach(e -> all.add(e.service().key()));
        List<IpvsOperation> ops = IpvsReconciler.plan(desired, table, all);
        if (!ops.isEmpty()) {
            call("ipvs " + ops);
        }
        table = desired;
        return new IpvsReconciler.Report(ops.stream().map(o -> new IpvsClient.Result(o, IpvsClient.Status.APPLIED, null)).toList());
    }

    /** The sync daemon running now (NONE when none; a NONE call stops it only when its sync id matches). */
    DataPlane.SyncRole syncRole = DataPlane.SyncRole.NONE;

    @Override
    public void connectionSync(DataPlane.SyncRole role, int syncId) {
        call("sync " + role + " " + syncId);
        syncRole = role;
    }

    @Override
    public void resync() {
    }

    @Override
    public IpvsTable ownedTable() {
        return table;
    }

    @Override
    public void close() {
        calls.add("closed");
    }
}
