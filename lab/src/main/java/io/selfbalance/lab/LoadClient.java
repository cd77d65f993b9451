package io.selfbalance.lab;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator for the lab and the benchmarks: every {@code --interval-ms} it sends
 * {@code GET <url>} on a <em>new</em> TCP connection (so IPVS schedules every request afresh), or,
 * with {@code --keep-alive}, on one persistent connection that is reopened when it breaks. It reads
 * the serving node's name from the JSON body and counts successes by node and failures.
 *
 * <p>Output is line-oriented and machine-readable (one record per line, {@code key=value} fields):
 * <pre>
 * READY url=... interval=...
 * TICK t=&lt;epochMs&gt; ok=&lt;n&gt; fail=&lt;n&gt; node.n1=&lt;n&gt; ...     completions in the last tick
 * FAIL send=&lt;epochUs&gt; end=&lt;epochUs&gt; reason=&lt;word&gt;           every failed request
 * REQ send=&lt;epochUs&gt; end=&lt;epochUs&gt; node=&lt;name&gt;              every success (with --log-requests)
 * EVENT name=&lt;name&gt; fault=&lt;epochUs&gt; end=&lt;epochUs&gt; sent=.. ok=.. failed=.. firstSuccessMs=.. outageMs=.. backMs=..
 *       slowestMs=.. node.n1=.. failed.&lt;reason&gt;=..
 * DONE sent=.. ok=.. failed=.. node.n1=.. ...
 * </pre>
 * Events are windows that the caller marks on standard input: {@code MARK <name> [epochUs]} opens a
 * window at the given time (the moment the caller injected a fault), {@code END <name>} closes it
 * and makes the client print the {@code EVENT} line, {@code STOP} ends the run. A window's failures
 * are the requests sent inside it that failed plus those in flight at the fault that failed after
 * it; its per-node counts are the successful requests sent inside it. {@code firstSuccessMs} is the
 * first success sent at or after the fault, measured from the fault to its reply; {@code outageMs}
 * is 0 when nothing failed and otherwise runs from the fault to the reply of the first success sent
 * after the last failure (-1: it never recovered inside the window); {@code backMs} is 0 when nothing failed and
 * otherwise runs from the fault to the reply of the first success sent after the first failure sent inside the
 * window (when the fault took effect), or after the fault when only requests in flight at it failed (-1: none):
 * when service came back at all, even if some requests (those still sent to a dead node) kept failing.
 * {@code slowestMs} is the longest time a successful request of the window took; {@code failed.<reason>} counts its
 * failures by reason ({@code connect-timeout}: not accepted within {@code --connect-timeout-ms}; {@code timeout}:
 * accepted, but not answered within {@code --timeout-ms}; {@code refused}, {@code reset}, {@code closed},
 * {@code http-<status>}, ...).
 */
public final class LoadClient {

    /** One request: when it was sent and completed (epoch microseconds), who served it, or why it failed. */
    public record Attempt(long sendUs, long endUs, String node, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    /** The figures of one marked window, as computed by {@link #window}. */
    public record Window(String name, long faultUs, long endUs, int sent, int ok, int failed,
                         long firstSuccessMs, long outageMs, long backMs, Map<String, Integer> byNode,
                         Map<String, Integer> failedByReason, long slowestMs) {
        String line() {
            StringBuilder sb = new StringBuilder("EVENT name=").append(name)
                    .append(" fault=").append(faultUs).append(" end=").append(endUs)
                    .append(" sent=").append(sent).append(" ok=").append(ok).append(" failed=").append(failed)
                    .append(" firstSuccessMs=").append(firstSuccessMs).append(" outageMs=").append(outageMs)
                    .append(" backMs=").append(backMs).append(" slowestMs=").append(slowestMs);
            byNode.forEach((n, c) -> sb.append(" node.").append(n).append('=').append(c));
            failedByReason.forEach((r, c) -> sb.append(" failed.").append(r).append('=').append(c));
            return sb.toString();
        }
    }

    /** Settings; see {@link #usage()}. */
    public record Settings(URI url, long intervalMs, int timeoutMs, boolean keepAlive, long requests,
                           long durationMs, long tickMs, boolean logRequests, String nodeField, int maxInFlight,
                           boolean exitOnEof, int connectTimeoutMs) {}

    /**
     * The failure reason of a connection that was not accepted within {@code --connect-timeout-ms} (no SYN-ACK: the
     * network or a node without the address lost it), apart from {@code timeout}: accepted, but no complete reply
     * within {@code --timeout-ms} (a slow or stalled server).
     */
    static final String CONNECT_TIMEOUT = "connect-timeout";

    /** A connect that timed out, told apart from a reply that did. */
    private static final class ConnectTimeout extends IOException {
        ConnectTimeout(java.net.SocketTimeoutException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.[01] (\\d{3})");

    private final Settings settings;
    private final PrintStream out;
    private final Pattern nodePattern;
    private final List<Attempt> attempts = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Long> marks = new TreeMap<>();
    /** Whether the last response parsed ended its connection ("Connection: close", or a body delimited by EOF). */
    private boolean lastResponseCloses;
    private volatile boolean stopping;
    private long sent;
    // tick counters, guarded by `this`
    private int tickOk;
    private int tickFail;
    private final Map<String, Integer> tickByNode = new TreeMap<>();

    public LoadClient(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.nodePattern = Pattern.compile("\"" + Pattern.quote(settings.nodeField()) + "\"\\s*:\\s*\"([^\"]*)\"");
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadClient: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        new LoadClient(s, out).run(System.in);
        System.exit(0);
    }

    static String usage() {
        return "usage: LoadClient --url http://VIP:PORT/api/whoami [--interval-ms 10] [--timeout-ms 1000]\n"
                + "         [--connect-timeout-ms <timeout-ms>] [--keep-alive] [--requests N] [--duration-s S] [--tick-ms 1000] [--log-requests]\n"
                + "         [--node-field node] [--max-in-flight 200] [--exit-on-eof]\n"
                + "  stdin: MARK <name> [epochMicros] | END <name> | STOP";
    }

    static Settings parse(String[] args) {
        URI url = null;
        long interval = 10;
        int timeout = 1000;
        int connectTimeout = -1;
        boolean keepAlive = false;
        long requests = 0;
        long durationMs = 0;
        long tick = 1000;
        boolean log = false;
        String field = "node";
        int maxInFlight = 200;
        boolean exitOnEof = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--keep-alive" -> keepAlive = true;
                case "--log-requests" -> log = true;
                case "--exit-on-eof" -> exitOnEof = true;
                case "--url", "--interval-ms", "--timeout-ms", "--connect-timeout-ms", "--requests", "--duration-s", "--tick-ms",
                        "--node-field", "--max-in-flight" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--url" -> {
                            try {
                                url = URI.create(v);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--url '" + v + "' is not a URI: " + e.getMessage());
                            }
                            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                                throw new IllegalArgumentException("--url '" + v + "' must be http://host[:port]/path");
                            }
                        }
                        case "--interval-ms" -> interval = positive(a, v, 1);
                        case "--timeout-ms" -> timeout = (int) positive(a, v, 1);
                        case "--connect-timeout-ms" -> connectTimeout = (int) positive(a, v, 1);
                        case "--requests" -> requests = positive(a, v, 1);
                        case "--duration-s" -> durationMs = positive(a, v, 1) * 1000;
                        case "--tick-ms" -> tick = positive(a, v, 10);
                        case "--node-field" -> field = v;
                        case "--max-in-flight" -> maxInFlight = (int) positive(a, v, 1);
                        default -> throw new AssertionError(a);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        return new Settings(url, interval, timeout, keepAlive, requests, durationMs, tick, log, field, maxInFlight,
                exitOnEof, connectTimeout < 0 ? timeout : connectTimeout);
    }

    private static long positive(String key, String v, long min) {
        try {
            long n = Long.parseLong(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(key + " '" + v + "' must be an integer >= " + min);
    }

    public static long nowUs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** Runs until STOP on {@code commands}, end of the request budget or duration; prints DONE. */
    public void run(InputStream commands) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "load-timer"));
        ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "load-worker"));
        Semaphore slots = new Semaphore(settings.maxInFlight());
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        long startMs = System.currentTimeMillis();
        print("READY url=" + settings.url() + " interval=" + settings.intervalMs() + " keepAlive=" + settings.keepAlive());

        Thread reader = new Thread(() -> readCommands(commands, done), "load-commands");
        reader.setDaemon(true);
        reader.start();

        timer.scheduleAtFixedRate(this::tick, settings.tickMs(), settings.tickMs(), TimeUnit.MILLISECONDS);
        if (settings.keepAlive()) {
            workers.execute(() -> keepAliveLoop(done));
        } else {
            timer.scheduleAtFixedRate(() -> {
                if (stopping) {
                    return;
                }
                boolean budgetSpent;
                synchronized (this) {
                    budgetSpent = settings.requests() > 0 && sent >= settings.requests();
                }
                if (budgetSpent || (settings.durationMs() > 0 && System.currentTimeMillis() - startMs >= settings.durationMs())) {
                    done.countDown();
                    return;
                }
                long sendUs = nowUs();
                if (!slots.tryAcquire()) {
                    record(new Attempt(sendUs, sendUs, null, "too-many-in-flight"));
                    return;
                }
                synchronized (this) {
                    sent++;
                }
                inFlight.incrementAndGet();
                workers.execute(() -> {
                    try {
                        record(oneShot(sendUs));
                    } finally {
                        inFlight.decrementAndGet();
                        slots.release();
                    }
                });
            }, 0, settings.intervalMs(), TimeUnit.MILLISECONDS);
        }
        done.await();
        stopping = true;
        long deadline = System.currentTimeMillis() + settings.timeoutMs() + 500L;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        timer.shutdownNow();
        tick();
        Window all = window("all", 0, Long.MAX_VALUE);
        StringBuilder sb = new StringBuilder("DONE sent=").append(all.sent()).append(" ok=").append(all.ok())
                .append(" failed=").append(all.failed());
        all.byNode().forEach((n, c) -> sb.append(" node.").append(n).append('=').append(c));
        print(sb.toString());
        workers.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void readCommands(InputStream in, java.util.concurrent.CountDownLatch done) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 0 || f[0].isEmpty()) {
                    continue;
                }
                switch (f[0]) {
                    case "MARK" -> {
                        if (f.length < 2) {
                            print("ERROR command '" + line + "': MARK needs a name");
                            continue;
                        }
                        long at = f.length > 2 ? Long.parseLong(f[2]) : nowUs();
                        synchronized (this) {
                            marks.put(f[1], at);
                        }
                    }
                    case "END" -> {
                        Long at;
                        synchronized (this) {
                            at = f.length > 1 ? marks.remove(f[1]) : null;
                        }
                        if (at == null) {
                            print("ERROR command '" + line + "': no open MARK of that name");
                            continue;
                        }
                        long endUs = nowUs();
                        awaitSentBefore(endUs);
                        print(window(f[1], at, endUs).line());
                    }
                    case "STOP" -> {
                        done.countDown();
                        return;
                    }
                    default -> print("ERROR command '" + line + "': expected MARK, END or STOP");
                }
            }
        } catch (IOException | RuntimeException e) {
            print("ERROR commands: " + e);
        }
        // stdin closed: a controlling program that died must not leave us running; a standalone run
        // (stdin from /dev/null) keeps going until its budget or duration ends, or a signal
        if (settings.exitOnEof()) {
            done.countDown();
        }
    }

    /** Waits (bounded by the request timeout) until requests sent before {@code us} have completed. */
    private void awaitSentBefore(long us) {
        long deadline = System.currentTimeMillis() + settings.timeoutMs() + 300L;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Computes the figures of a window over the attempts recorded so far (see the class comment). */
    public synchronized Window window(String name, long faultUs, long endUs) {
        return window(name, faultUs, endUs, attempts);
    }

    static Window window(String name, long faultUs, long endUs, List<Attempt> attempts) {
        int sentIn = 0;
        int ok = 0;
        int failed = 0;
        long lastFailureSend = Long.MIN_VALUE;
        long firstFailureSendInside = Long.MAX_VALUE;
        Map<String, Integer> byNode = new TreeMap<>();
        Map<String, Integer> byReason = new TreeMap<>();
        long slowestUs = 0;
        List<Attempt> successes = new ArrayList<>();
        for (Attempt a : attempts) {
            boolean sentInside = a.sendUs() >= faultUs && a.sendUs() <= endUs;
            boolean inFlightAtFault = a.sendUs() < faultUs && a.endUs() >= faultUs;
            if (sentInside) {
                sentIn++;
            }
            if (a.ok()) {
                if (sentInside) {
                    ok++;
                    byNode.merge(a.node(), 1, Integer::sum);
                    successes.add(a);
                    slowestUs = Math.max(slowestUs, a.endUs() - a.sendUs());
                }
            } else if (sentInside || inFlightAtFault) {
                failed++;
                byReason.merge(a.failure(), 1, Integer::sum);
                lastFailureSend = Math.max(lastFailureSend, a.sendUs());
                if (sentInside) {
                    firstFailureSendInside = Math.min(firstFailureSendInside, a.sendUs());
                }
            }
        }
        long firstSuccessMs = -1;
        long recovered = -1;
        long firstSuccessEnd = Long.MAX_VALUE;
        long recoveredEnd = Long.MAX_VALUE;
        long backEnd = Long.MAX_VALUE;
        // the fault took effect by the first failed request sent inside the window (the fault command itself takes
        // time, and requests sent before it bites still succeed); failures only in flight at the fault: the fault
        long bitten = firstFailureSendInside != Long.MAX_VALUE ? firstFailureSendInside : faultUs;
        for (Attempt s : successes) {
            firstSuccessEnd = Math.min(firstSuccessEnd, s.endUs());
            if (s.sendUs() > lastFailureSend) {
                recoveredEnd = Math.min(recoveredEnd, s.endUs());
            }
            if (s.sendUs() > bitten) {
                backEnd = Math.min(backEnd, s.endUs());
            }
        }
        if (firstSuccessEnd != Long.MAX_VALUE) {
            firstSuccessMs = Math.max(0, (firstSuccessEnd - faultUs) / 1000);
        }
        if (failed == 0) {
            recovered = 0;
        } else if (recoveredEnd != Long.MAX_VALUE) {
            recovered = Math.max(0, (recoveredEnd - faultUs) / 1000);
        }
        long back = -1;
        if (failed == 0) {
            back = 0;
        } else if (backEnd != Long.MAX_VALUE) {
            back = Math.max(0, (backEnd - faultUs) / 1000);
        }
        return new Window(name, faultUs, endUs, sentIn, ok, failed, firstSuccessMs, recovered, back, byNode, byReason,
                slowestUs / 1000);
    }

    private void record(Attempt a) {
        synchronized (this) {
            attempts.add(a);
            if (a.ok()) {
                tickOk++;
                tickByNode.merge(a.node(), 1, Integer::sum);
            } else {
                tickFail++;
            }
        }
        if (!a.ok()) {
            print("FAIL send=" + a.sendUs() + " end=" + a.endUs() + " reason=" + a.failure());
        } else if (settings.logRequests()) {
            print("REQ send=" + a.sendUs() + " end=" + a.endUs() + " node=" + a.node());
        }
    }

    private void tick() {
        StringBuilder sb = new StringBuilder("TICK t=").append(System.currentTimeMillis());
        synchronized (this) {
            sb.append(" ok=").append(tickOk).append(" fail=").append(tickFail);
            tickByNode.forEach((n, c) -> sb.append(" node.").append(n).append('=').append(c));
            tickOk = 0;
            tickFail = 0;
            tickByNode.clear();
        }
        print(sb.toString());
    }

    private synchronized void print(String line) {
        out.println(line);
    }

    private String requestBytes(boolean close) {
        URI u = settings.url();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path += "?" + u.getRawQuery();
        }
        return "GET " + path + " HTTP/1.1\r\nHost: " + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                + "\r\nUser-Agent: selfbalance-lab\r\nAccept: application/json\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
    }

    private InetSocketAddress target() {
        URI u = settings.url();
        return new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 80);
    }

    /** One request on a fresh connection. */
    private Attempt oneShot(long sendUs) {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(settings.timeoutMs());
            try {
                s.connect(target(), settings.connectTimeoutMs());
            } catch (java.net.SocketTimeoutException e) {
                return new Attempt(sendUs, nowUs(), null, CONNECT_TIMEOUT);
            }
            OutputStream os = s.getOutputStream();
            os.write(requestBytes(true).getBytes(StandardCharsets.US_ASCII));
            os.flush();
            return parseResponse(sendUs, s.getInputStream());
        } catch (java.net.SocketTimeoutException e) {
            return new Attempt(sendUs, nowUs(), null, "timeout");
        } catch (java.net.ConnectException e) {
            return new Attempt(sendUs, nowUs(), null, reason(e, "refused"));
        } catch (IOException e) {
            return new Attempt(sendUs, nowUs(), null, reason(e, "io"));
        }
    }

    static String reason(IOException e, String fallback) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (m.contains("refused")) {
            return "refused";
        }
        if (m.contains("reset")) {
            return "reset";
        }
        if (m.contains("unreachable")) {
            return "unreachable";
        }
        if (m.contains("timed out")) {
            return "timeout";
        }
        if (m.contains("broken pipe")) {
            return "broken-pipe"; // written after the peer reset: a reset that came while the request went out
        }
        // anything else keeps its message, as one word (a bench run's 100 ms stop trial lost one request as plain "io")
        String word = m.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return word.isEmpty() ? fallback : fallback + "-" + (word.length() > 40 ? word.substring(0, 40) : word);
    }

    private void keepAliveLoop(java.util.concurrent.CountDownLatch done) {
        long startMs = System.currentTimeMillis();
        Socket s = null;
        try {
            while (!stopping) {
                long next = System.currentTimeMillis() + settings.intervalMs();
                boolean budgetSpent;
                synchronized (this) {
                    budgetSpent = settings.requests() > 0 && sent >= settings.requests();
                    if (!budgetSpent) {
                        sent++;
                    }
                }
                if (budgetSpent || (settings.durationMs() > 0 && System.currentTimeMillis() - startMs >= settings.durationMs())) {
                    done.countDown();
                    return;
                }
                long sendUs = nowUs();
                inFlight.incrementAndGet();
                Attempt a;
                try {
                    if (s == null) {
                        s = new Socket();
                        s.setTcpNoDelay(true);
                        s.setSoTimeout(settings.timeoutMs());
                        try {
                            s.connect(target(), settings.connectTimeoutMs());
                        } catch (java.net.SocketTimeoutException e) {
                            throw new ConnectTimeout(e);
                        }
                    }
                    s.getOutputStream().write(requestBytes(false).getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    a = parseResponse(sendUs, s.getInputStream());
                    // a server that answers "Connection: close" (Jetty does while it shuts down gracefully)
                    // closes its end after this response: the next request goes on a new connection
                    if (!a.ok() || lastResponseCloses) {
                        closeQuietly(s);
                        s = null;
                    }
                } catch (IOException e) {
                    a = new Attempt(sendUs, nowUs(), null, e instanceof ConnectTimeout ? CONNECT_TIMEOUT
                            : e instanceof java.net.SocketTimeoutException ? "timeout" : reason(e, "io"));
                    closeQuietly(s);
                    s = null;
                } finally {
                    inFlight.decrementAndGet();
                }
                record(a);
                long wait = next - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do on a broken connection
            }
        }
    }

    /**
     * Reads one HTTP/1.1 response (Content-Length, chunked, or until EOF) and turns it into an
     * attempt: success when the status is 200 and the body names the node.
     */
    private Attempt parseResponse(long sendUs, InputStream in) throws IOException {
        lastResponseCloses = true;
        String head = readHead(in);
        if (head == null) {
            return new Attempt(sendUs, nowUs(), null, "closed");
        }
        Matcher m = STATUS_LINE.matcher(head);
        if (!m.find()) {
            return new Attempt(sendUs, nowUs(), null, "bad-response");
        }
        int status = Integer.parseInt(m.group(1));
        long length = -1;
        boolean chunked = false;
        boolean close = head.startsWith("HTTP/1.0");
        for (String h : head.split("\r\n")) {
            int c = h.indexOf(':');
            if (c < 0) {
                continue;
            }
            String name = h.substring(0, c).trim().toLowerCase(java.util.Locale.ROOT);
            String value = h.substring(c + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("connection")) {
                String v = value.toLowerCase(java.util.Locale.ROOT);
                close = v.contains("close") || (head.startsWith("HTTP/1.0") && !v.contains("keep-alive"));
            }
        }
        lastResponseCloses = close || (length < 0 && !chunked);
        String body = chunked ? readChunked(in) : readBody(in, length);
        long endUs = nowUs();
        if (status != 200) {
            return new Attempt(sendUs, endUs, null, "http-" + status);
        }
        Matcher n = nodePattern.matcher(body);
        if (!n.find() || n.group(1).isEmpty()) {
            return new Attempt(sendUs, endUs, null, "no-node-in-body");
        }
        return new Attempt(sendUs, endUs, n.group(1), null);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int state = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            b.write(c);
            state = switch (state) {
                case 0 -> c == '\r' ? 1 : 0;
                case 1 -> c == '\n' ? 2 : 0;
                case 2 -> c == '\r' ? 3 : 0;
                case 3 -> c == '\n' ? 4 : 0;
                default -> 0;
            };
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (b.size() > 16384) {
                throw new IOException("response head longer than 16 KiB");
            }
        }
    }

    private static String readBody(InputStream in, long length) throws IOException {
        if (length >= 0) {
            return new String(in.readNBytes((int) Math.min(length, 1 << 20)), StandardCharsets.UTF_8);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (c < 0 && sb.length() == 0) {
            throw new IOException("connection closed inside a chunked body");
        }
        return sb.toString();
    }
}
