package io.selfbalance.vrrp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Records a router's events as readable lines ("t=3.609375 BACKUP->MASTER MASTER_DOWN_TIMEOUT"). */
final class EventRecorder implements VrrpListener {
    final List<String> events = new ArrayList<>();
    final List<StateChange> changes = new ArrayList<>();
    final List<Long> advertTimes = new ArrayList<>();
    /** State changes ("state MASTER") and advertisements sent ("advert"), in the order the listener heard them. */
    final List<String> order = new ArrayList<>();

    static String t(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    @Override
    public void stateChanged(StateChange c) {
        changes.add(c);
        order.add("state " + c.to());
        events.add("t=" + t(c.atNanos()) + " " + c.from() + "->" + c.to() + " " + c.cause());
    }

    @Override
    public void advertisementSent(VrrpAdvertisement a, long at) {
        advertTimes.add(at);
        order.add("advert");
    }

    @Override
    public void handoverStarted(int vrid, long at) {
        events.add("t=" + t(at) + " HANDOVER_STARTED");
    }

    @Override
    public void handoverReleased(int vrid, HandoverOutcome outcome, InetAddress newMaster, long at) {
        events.add("t=" + t(at) + " HANDOVER_RELEASED " + outcome + (newMaster == null ? "" : " " + newMaster.getHostAddress()));
    }

    @Override
    public void masterReasserted(int vrid, InetAddress otherMaster, int otherPriority, long at) {
        events.add("t=" + t(at) + " REASSERTED " + otherMaster.getHostAddress() + " " + otherPriority);
    }

    @Override
    public void packetDropped(int vrid, DropReason reason, String detail) {
        events.add("DROP " + reason);
    }

    String last() {
        return events.get(events.size() - 1);
    }
}
