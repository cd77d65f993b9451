package io.selfbalance.ipvs.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Announces addresses on links on a shared scheduler (the control plane's event loop): each
 * announcement is a chain of scheduled tasks, never a thread of its own. A burst of
 * {@code repeat} packets {@code delay} apart is sent at once and then every {@code refreshPeriod}
 * until cancelled. A failed send is reported to the error handler and the schedule continues.
 */
public final class Announcer {
    /** The scheduling the announcer needs; {@link #of(ScheduledExecutorService)} adapts an executor or event loop. */
    public interface Scheduler {
        Cancellable schedule(Runnable task, Duration delay);

        static Scheduler of(ScheduledExecutorService executor) {
            return (task, delay) -> {
                ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            };
        }
    }

    public interface Cancellable {
        void cancel();
    }

    private final Scheduler scheduler;
    private final AnnouncementSender sender;
    private final Consumer<RuntimeException> onError;

    public Announcer(Scheduler scheduler, AnnouncementSender sender, Consumer<RuntimeException> onError) {
        this.scheduler = scheduler;
        this.sender = sender;
        this.onError = onError;
    }

    /** Starts announcing {@code address} on {@code link}; the first packet goes out on the scheduler right away. */
    public Announcement start(LinkInfo link, InetAddress address, AnnouncementSettings settings) {
        Announcement a = new Announcement(link, address, settings);
        a.next = scheduler.schedule(a::tick, Duration.ZERO);
        return a;
    }

    /** One address being announced; {@link #cancel()} stops it (from any thread). */
    public final class Announcement {
        private final LinkInfo link;
        private final InetAddress address;
        private final AnnouncementSettings settings;
        private volatile boolean cancelled;
        private volatile Cancellable next;
        private volatile long sent;
        private volatile long failed;
        private int inBurst; // touched only by scheduled tasks

        private Announcement(LinkInfo link, InetAddress address, AnnouncementSettings settings) {
            this.link = link;
            this.address = address;
            this.settings = settings;
        }

        private void tick() {
            if (cancelled) {
                return;
            }
            try {
                sender.announce(link, address);
                sent++;
            } catch (RuntimeException e) {
                failed++;
                onError.accept(e);
            }
            inBurst++;
            if (inBurst < settings.repeat()) {
                next = scheduler.schedule(this::tick, settings.delay());
            } else if (!settings.refreshPeriod().isZero()) {
                inBurst = 0;
                Duration wait = settings.refreshPeriod().minus(settings.delay().multipliedBy(settings.repeat() - 1));
                next = scheduler.schedule(this::tick, wait);
            } else {
                next = null;
            }
        }

        public void cancel() {
            cancelled = true;
            Cancellable n = next;
            if (n != null) {
                n.cancel();
            }
        }

        /** Packets sent so far. */
        public long sent() {
            return sent;
        }

        /** Sends that failed so far. */
        public long failed() {
            return failed;
        }

        public boolean isActive() {
            return !cancelled && next != null;
        }
    }
}
