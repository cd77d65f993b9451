package io.selfbalance.health.probe;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import io.selfbalance.health.HealthReport;

/**
 * Probes peers' health endpoints with HTTP/1.1 GET on a Netty 4.2 event loop group (epoll when available, NIO
 * otherwise): no thread per peer, one connection per peer kept alive between probes, connect and read time limits,
 * a bounded response size.
 *
 * <p>Each peer is served by one event loop that owns that peer's state (its idle connection and its probe in
 * progress); a probe requested while one is in progress for the same peer joins it. A kept-alive connection that
 * the peer closed while idle is detected when the request gets no byte back, and the probe is retried once on a
 * new connection, so a stale connection never shows up as an ERROR.
 *
 * <p>Results complete on the prober's event loop; a caller that owns state on another loop hops there itself.
 */
public final class PeerProber implements AutoCloseable {

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;

    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean epoll;
    private final ProbeSettings settings;
    private final ConcurrentHashMap<PeerTarget, PeerSlot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A prober with its own single-threaded event loop group (epoll when available, else NIO). */
    public static PeerProber create(ProbeSettings settings) {
        return new PeerProber(singleThreadGroup("selfbalance-probe"), true, settings);
    }

    /**
     * A single-threaded event loop group (daemon thread {@code threadName}, epoll when available, else NIO) that a
     * prober can share, e.g. a control plane that then runs its protocol and its probes on one thread.
     */
    public static MultiThreadIoEventLoopGroup singleThreadGroup(String threadName) {
        IoHandlerFactory factory = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true), factory);
    }

    /**
     * A prober on {@code loop}'s group when that group does I/O (epoll or NIO, as {@link #singleThreadGroup} makes):
     * no thread of its own; otherwise (a {@code DefaultEventLoop}, which runs tasks only) one with its own thread.
     */
    public static PeerProber sharing(io.netty.channel.EventLoop loop, ProbeSettings settings) {
        if (loop.parent() instanceof IoEventLoopGroup group
                && ((Epoll.isAvailable() && group.isIoType(EpollIoHandler.class)) || group.isIoType(NioIoHandler.class))) {
            return new PeerProber(group, false, settings);
        }
        return create(settings);
    }

    /** Whether this prober runs on a group it was given (it then starts no thread and does not stop the group). */
    public boolean sharesItsGroup() {
        return !ownsGroup;
    }

    /**
     * A prober on an existing group (for example the control plane's), which it does not shut down on close.
     * The group must be a {@link MultiThreadIoEventLoopGroup} with the epoll or NIO handler.
     */
    public PeerProber(IoEventLoopGroup group, ProbeSettings settings) {
        this(group, false, settings);
    }

    private PeerProber(IoEventLoopGroup group, boolean ownsGroup, ProbeSettings settings) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.settings = settings;
        this.epoll = Epoll.isAvailable() && group.isIoType(EpollIoHandler.class);
        if (!epoll && !group.isIoType(NioIoHandler.class)) {
            throw new IllegalArgumentException("group: " + group + " is not allowed; use a MultiThreadIoEventLoopGroup with the epoll or NIO IoHandler");
        }
    }

    /** {@code "epoll"} or {@code "nio"}. */
    public String transport() {
        return epoll ? "epoll" : "nio";
    }

    public ProbeSettings settings() {
        return settings;
    }

    /** Probes {@code peer} once. The future never fails: every problem is an ERROR result. */
    public CompletableFuture<ProbeResult> probe(PeerTarget peer) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        if (closed) {
            result.complete(new ProbeResult(peer, ProbeOutcome.ERROR, "prober is closed", Duration.ZERO, 0, Optional.empty(), false));
            return result;
        }
        PeerSlot slot = slots.computeIfAbsent(peer, p -> new PeerSlot(p, group.next()));
        try {
            slot.loop.execute(() -> slot.probe(result));
        } catch (RejectedExecutionException e) {
            result.complete(new ProbeResult(peer, ProbeOutcome.ERROR, "prober is closed", Duration.ZERO, 0, Optional.empty(), false));
        }
        return result;
    }

    /** Closes the kept-alive connection to {@code peer} and forgets it (e.g. when the node leaves the cluster). */
    public void forget(PeerTarget peer) {
        PeerSlot slot = slots.remove(peer);
        if (slot != null) {
            slot.loop.execute(slot::closeIdle);
        }
    }

    /** Number of kept-alive connections right now (for status and tests). */
    public int idleConnections() {
        int n = 0;
        for (PeerSlot s : slots.values()) {
            Channel c = s.idle;
            if (c != null && c.isActive()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (PeerSlot slot : slots.values()) {
            try {
                slot.loop.execute(slot::closeIdle);
            } catch (RejectedExecutionException ignored) {
                // the loop is already gone, and its channels with it
            }
        }
        slots.clear();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One probe in progress; touched only on the peer's loop. */
    private static final class Attempt {
        final long startNanos = System.nanoTime();
        final List<CompletableFuture<ProbeResult>> waiters = new ArrayList<>(1);
        Channel channel;
        boolean reused;
        boolean retried;
        boolean done;
        ScheduledFuture<?> timeout;
        int status;
        boolean keepAlive;
        long receivedBytes;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
    }

    /** Everything about one peer; touched only on {@link #loop}. */
    private final class PeerSlot {
        final PeerTarget peer;
        final EventLoop loop;
        volatile Channel idle;
        Attempt current;

        PeerSlot(PeerTarget peer, EventLoop loop) {
            this.peer = peer;
            this.loop = loop;
        }

        void probe(CompletableFuture<ProbeResult> waiter) {
            if (current != null) {
                current.waiters.add(waiter);
                return;
            }
            Attempt a = new Attempt();
            a.waiters.add(waiter);
            current = a;
            Channel ch = idle;
            idle = null;
            if (ch != null && ch.isActive()) {
                send(a, ch, true);
            } else {
                if (ch != null) {
                    ch.close();
                }
                connect(a);
            }
        }

        void closeIdle() {
            Channel ch = idle;
            idle = null;
            if (ch != null) {
                ch.close();
            }
            if (current != null) {
                finish(current, ProbeOutcome.ERROR, "prober is closed");
            }
        }

        private void connect(Attempt a) {
            Class<? extends SocketChannel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            Bootstrap b = new Bootstrap().group(loop).channel(type)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192),
                                    new ResponseHandler(PeerSlot.this));
                        }
                    });
            ChannelFuture cf = b.connect(peer.address());
            cf.addListener(f -> {
                if (a.done) {
                    cf.channel().close();
                    return;
                }
                if (!f.isSuccess()) {
                    finish(a, ProbeOutcome.ERROR, describeConnectFailure(f.cause()));
                    return;
                }
                send(a, cf.channel(), false);
            });
        }

        private String describeConnectFailure(Throwable cause) {
            if (cause instanceof ConnectTimeoutException) {
                return "connect timeout after " + settings.connectTimeout().toMillis() + " ms";
            }
            if (cause instanceof ConnectException || String.valueOf(cause.getMessage()).contains("refused")) {
                return "connection refused";
            }
            return "connect failed: " + cause;
        }

        private void send(Attempt a, Channel ch, boolean reused) {
            a.channel = ch;
            a.reused = reused;
            if (a.timeout == null) {
                a.timeout = loop.schedule(() -> {
                    if (!a.done) {
                        finish(a, ProbeOutcome.ERROR, "read timeout after " + settings.readTimeout().toMillis()
                                + " ms (" + a.receivedBytes + " bytes received)");
                    }
                }, settings.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, peer.path());
            request.headers().set(HttpHeaderNames.HOST, peer.hostHeader())
                    .set(HttpHeaderNames.ACCEPT, "application/json")
                    .set(HttpHeaderNames.USER_AGENT, "selfbalance-probe");
            ch.writeAndFlush(request).addListener(w -> {
                if (!w.isSuccess() && a.channel == ch) {
                    failed(a, ch, w.cause());
                }
            });
        }

        /** The connection failed or closed before the response was complete. */
        void failed(Attempt a, Channel ch, Throwable cause) {
            if (a.done || a.channel != ch) {
                return;
            }
            if (a.reused && !a.retried && a.receivedBytes == 0 && a.status == 0) {
                // The peer closed the idle connection while we were sending: not the peer's health, try once anew.
                a.retried = true;
                a.channel = null;
                ch.close();
                connect(a);
                return;
            }
            String reason;
            if (cause == null) {
                reason = a.status == 0 ? "connection closed by peer before any response"
                        : "connection closed by peer mid-response (" + a.receivedBytes + " body bytes received)";
            } else if (String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")) {
                reason = "connection reset by peer";
            } else {
                reason = "I/O error: " + cause;
            }
            finish(a, ProbeOutcome.ERROR, reason);
        }

        void onResponse(Attempt a, HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                finish(a, ProbeOutcome.ERROR, "invalid HTTP response: " + r.decoderResult().cause().getMessage());
                return;
            }
            a.status = r.status().code();
            a.keepAlive = HttpUtil.isKeepAlive(r);
            long length = HttpUtil.getContentLength(r, -1L);
            if (length > settings.maxResponseBytes()) {
                finish(a, ProbeOutcome.ERROR, "response body of " + length + " bytes exceeds maxResponseBytes "
                        + settings.maxResponseBytes());
            }
        }

        void onContent(Attempt a, HttpContent c) {
            if (c.decoderResult().isFailure()) {
                Throwable cause = c.decoderResult().cause();
                finish(a, ProbeOutcome.ERROR, cause instanceof PrematureChannelClosureException
                        ? "connection closed by peer mid-response (" + a.receivedBytes + " body bytes received)"
                        : "invalid HTTP response: " + cause.getMessage());
                return;
            }
            int n = c.content().readableBytes();
            a.receivedBytes += n;
            if (a.receivedBytes > settings.maxResponseBytes()) {
                finish(a, ProbeOutcome.ERROR, "response body exceeds maxResponseBytes " + settings.maxResponseBytes());
                return;
            }
            byte[] chunk = new byte[n];
            c.content().readBytes(chunk);
            a.body.write(chunk, 0, n);
            if (c instanceof LastHttpContent) {
                complete(a);
            }
        }

        private void complete(Attempt a) {
            String text = a.body.toString(StandardCharsets.UTF_8);
            Optional<HealthReport> report = Optional.empty();
            String parseError = null;
            try {
                report = Optional.of(HealthReport.fromJson(text));
            } catch (IllegalArgumentException e) {
                parseError = e.getMessage();
            }
            if (a.status == 200) {
                if (report.isEmpty()) {
                    finish(a, ProbeOutcome.ERROR, "unparsable body with HTTP 200: " + abbreviate(parseError), report);
                } else if (report.get().isUp()) {
                    finish(a, ProbeOutcome.UP, "HTTP 200", report);
                } else {
                    finish(a, ProbeOutcome.DOWN, "HTTP 200 but body status DOWN" + failing(report.get()), report);
                }
            } else if (a.status == 503) {
                finish(a, ProbeOutcome.DOWN, "HTTP 503" + report.map(PeerProber::failing).orElse(""), report);
            } else {
                finish(a, ProbeOutcome.ERROR, "unexpected HTTP status " + a.status, report);
            }
        }

        void finish(Attempt a, ProbeOutcome outcome, String reason) {
            finish(a, outcome, reason, Optional.empty());
        }

        void finish(Attempt a, ProbeOutcome outcome, String reason, Optional<HealthReport> body) {
            if (a.done) {
                return;
            }
            a.done = true;
            if (a.timeout != null) {
                a.timeout.cancel(false);
            }
            Channel ch = a.channel;
            if (ch != null) {
                if (outcome != ProbeOutcome.ERROR && a.keepAlive && ch.isActive() && !closed) {
                    idle = ch;
                } else {
                    ch.close();
                }
            }
            if (current == a) {
                current = null;
            }
            ProbeResult result = new ProbeResult(peer, outcome, reason, Duration.ofNanos(System.nanoTime() - a.startNanos),
                    a.status, body, a.reused && !a.retried);
            for (CompletableFuture<ProbeResult> w : a.waiters) {
                w.complete(result);
            }
        }
    }

    private static String failing(HealthReport r) {
        StringBuilder names = new StringBuilder();
        r.checks().stream().filter(c -> !c.isUp()).forEach(c -> names.append(names.length() == 0 ? "" : ", ").append(c.name()));
        return names.length() == 0 ? "" : " (down: " + abbreviate(names.toString()) + ")";
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }

    /** Routes one connection's HTTP objects to its peer's probe in progress. */
    private static final class ResponseHandler extends ChannelInboundHandlerAdapter {
        private final PeerSlot slot;

        ResponseHandler(PeerSlot slot) {
            this.slot = slot;
        }

        private Attempt attemptOf(Channel ch) {
            Attempt a = slot.current;
            return a != null && a.channel == ch && !a.done ? a : null;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Attempt a = attemptOf(ctx.channel());
                if (a == null) {
                    // Bytes nobody asked for (on an idle connection): the stream is out of step; drop it.
                    ctx.close();
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    slot.onResponse(a, r);
                }
                if (msg instanceof HttpContent c && !a.done) {
                    slot.onContent(a, c);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (slot.idle == ctx.channel()) {
                slot.idle = null;
            }
            Attempt a = attemptOf(ctx.channel());
            if (a != null) {
                slot.failed(a, ctx.channel(), null);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Attempt a = attemptOf(ctx.channel());
            if (a != null) {
                slot.failed(a, ctx.channel(), cause);
            }
            ctx.close();
        }
    }
}
