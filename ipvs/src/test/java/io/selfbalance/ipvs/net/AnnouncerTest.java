package io.selfbalance.ipvs.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.ipvs.Addresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

class AnnouncerTest {
    static final LinkInfo ETH0 = new LinkInfo(2, "eth0", new byte[] {2, 0, 0, 0, 0, 7}, 1500, 1);

    /** Virtual time: tasks run when the test advances the clock. */
    static final class ManualScheduler implements Announcer.Scheduler {
        record Task(long at, long order, Runnable r, boolean[] cancelled) {}
        final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        long now;
        long order;

        @Override
        public Announcer.Cancellable schedule(Runnable task, Duration delay) {
            boolean[] c = {false};
            queue.add(new Task(now + delay.toMillis(), order++, task, c));
            return () -> c[0] = true;
        }

        void advanceTo(long ms) {
            while (!queue.isEmpty() && queue.peek().at <= ms) {
                Task t = queue.poll();
                now = t.at;
                if (!t.cancelled[0]) {
                    t.r.run();
                }
            }
            now = ms;
        }
    }

    static final class RecordingSender implements AnnouncementSender {
        final List<String> sent = new ArrayList<>();
        final ManualScheduler clock;
        boolean fail;

        RecordingSender(ManualScheduler clock) {
            this.clock = clock;
        }

        @Override
        public void announce(LinkInfo link, InetAddress address) {
            if (fail) {
                throw new IllegalStateException("network down");
            }
            sent.add(clock.now + " " + link.name() + " " + Addresses.format(address));
        }

        @Override
        public void close() {}
    }

    @Test
    void burstOfRepeatsThenRefreshUntilCancelled() {
        ManualScheduler s = new ManualScheduler();
        RecordingSender r = new RecordingSender(s);
        Announcer a = new Announcer(s, r, e -> { });
        Announcer.Announcement ann = a.start(ETH0, Addresses.parse("192.168.77.254"),
                new AnnouncementSettings(3, Duration.ofMillis(100), Duration.ofSeconds(10)));
        s.advanceTo(0);
        assertEquals(List.of("0 eth0 192.168.77.254"), r.sent);
        s.advanceTo(250);
        assertEquals(3, r.sent.size());
        assertEquals("200 eth0 192.168.77.254", r.sent.get(2));
        s.advanceTo(9_999);
        assertEquals(3, r.sent.size());
        s.advanceTo(10_200);
        assertEquals(List.of("0 eth0 192.168.77.254", "100 eth0 192.168.77.254", "200 eth0 192.168.77.254",
                "10000 eth0 192.168.77.254", "10100 eth0 192.168.77.254", "10200 eth0 192.168.77.254"), r.sent);
        assertTrue(ann.isActive());
        ann.cancel();
        s.advanceTo(60_000);
        assertEquals(6, r.sent.size());
        assertEquals(6, ann.sent());
        assertFalse(ann.isActive());
    }

    @Test
    void withoutRefreshItStopsAfterTheBurstAndFailuresAreReportedNotFatal() {
        ManualScheduler s = new ManualScheduler();
        RecordingSender r = new RecordingSender(s);
        List<RuntimeException> errors = new ArrayList<>();
        Announcer a = new Announcer(s, r, errors::add);
        r.fail = true;
        Announcer.Announcement ann = a.start(ETH0, Addresses.parse("fd77::fe"), new AnnouncementSettings(2, Duration.ofMillis(50), Duration.ZERO));
        s.advanceTo(10);
        r.fail = false;
        s.advanceTo(1_000);
        assertEquals(1, errors.size());
        assertEquals(1, ann.failed());
        assertEquals(List.of("50 eth0 fd77::fe"), r.sent);
        assertFalse(ann.isActive());
        assertTrue(s.queue.isEmpty(), "nothing left scheduled");
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new AnnouncementSettings(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new AnnouncementSettings(1, Duration.ofMillis(-1), Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AnnouncementSettings(5, Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("shorter than one burst"), e.getMessage());
    }

    @Test
    void gratuitousArpBytes() {
        byte[] mac = {2, 0, 0, 0, 0, 7};
        byte[] p = AnnouncementPackets.gratuitousArp(mac, (Inet4Address) Addresses.parse("192.168.77.254"));
        assertArrayEquals(new byte[] {
                0, 1, 8, 0, 6, 4, 0, 1,
                2, 0, 0, 0, 0, 7, (byte) 192, (byte) 168, 77, (byte) 254,
                0, 0, 0, 0, 0, 0, (byte) 192, (byte) 168, 77, (byte) 254}, p);
        assertThrows(IllegalArgumentException.class, () -> AnnouncementPackets.gratuitousArp(new byte[0],
                (Inet4Address) Addresses.parse("1.2.3.4")));
    }

    @Test
    void neighbourAdvertisementBytes() {
        byte[] mac = {2, 0, 0, 0, 0, 7};
        byte[] p = AnnouncementPackets.unsolicitedNeighborAdvertisement(mac, (Inet6Address) Addresses.parse("fd77::fe"));
        assertEquals(32, p.length);
        assertEquals((byte) 136, p[0]);
        assertEquals(0x20, p[4]); // override, not solicited, not router
        assertEquals((byte) 0xfd, p[8]);
        assertEquals((byte) 0xfe, p[23]);
        assertEquals(2, p[24]);
        assertEquals(1, p[25]);
        assertEquals(7, p[31]);
    }
}
