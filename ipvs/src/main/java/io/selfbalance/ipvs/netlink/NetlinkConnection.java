package io.selfbalance.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Request/response over one {@link NetlinkSocket}: numbers requests, checks that every reply carries
 * our port id and an expected sequence number, collects multi-part dumps up to {@code NLMSG_DONE},
 * turns {@code NLMSG_ERROR} into {@link NetlinkException}, and packs batches of requests into as few
 * sends as the kernel's buffers allow (acknowledged once per send; failures are reported per request).
 *
 * <p>Not thread-safe: one owner thread (the control plane's event loop) uses it.
 */
public final class NetlinkConnection implements AutoCloseable {
    /** Messages per send in a batch: bounds the error replies the kernel may queue at once. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SEND = 128;
    /** Bytes per send in a batch: well below the default socket send buffer. */
    public static final int DEFAULT_MAX_BYTES_PER_SEND = 64 * 1024;

    private final NetlinkSocket socket;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.nativeOrder());
    private int nextSequence;
    private long messagesSent;
    private long sends;
    private int maxMessagesPerSend = DEFAULT_MAX_MESSAGES_PER_SEND;
    private int maxBytesPerSend = DEFAULT_MAX_BYTES_PER_SEND;

    public NetlinkConnection(NetlinkSocket socket) {
        this.socket = socket;
        this.nextSequence = (int) (System.nanoTime() & 0x3fffffff) + 1;
    }

    /** Opens a real netlink socket for {@code protocol} with a 5 s reply timeout. */
    public static NetlinkConnection open(int protocol) {
        return new NetlinkConnection(NativeNetlinkSocket.open(protocol, Duration.ofSeconds(5)));
    }

    public NetlinkConnection batchLimits(int maxMessages, int maxBytes) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be >= 1, got " + maxMessages);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be >= 1024, got " + maxBytes);
        }
        this.maxMessagesPerSend = maxMessages;
        this.maxBytesPerSend = maxBytes;
        return this;
    }

    /** Messages sent so far (each request is one message). */
    public long messagesSent() {
        return messagesSent;
    }

    /** Datagrams sent so far (a batch packs several messages into one). */
    public long sends() {
        return sends;
    }

    public int portId() {
        return socket.portId();
    }

    /**
     * Sends one request with {@code NLM_F_ACK} and waits for its acknowledgement; returns the data
     * messages the kernel sent before the ack (e.g. the reply to a GET).
     */
    public List<NetlinkMessage> execute(NetlinkRequest request) {
        int seq = nextSequence();
        NetlinkMessage m = new NetlinkMessage(request.type(),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | request.flags(), seq, 0, request.payload());
        sendMessages(List.of(m));
        List<NetlinkMessage> data = new ArrayList<>();
        while (true) {
            for (NetlinkMessage r : receiveFor(seq, seq)) {
                if (r.type() == Netlink.NLMSG_ERROR) {
                    int errno = r.errorCode();
                    if (errno != 0) {
                        throw new NetlinkException(request.operation(), errno, r.errorText());
                    }
                    return data;
                }
                data.add(r);
            }
        }
    }

    /** Sends a dump request ({@code NLM_F_DUMP}) and collects every part up to {@code NLMSG_DONE}. */
    public List<NetlinkMessage> dump(NetlinkRequest request) {
        int seq = nextSequence();
        NetlinkMessage m = new NetlinkMessage(request.type(),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP | request.flags(), seq, 0, request.payload());
        sendMessages(List.of(m));
        List<NetlinkMessage> data = new ArrayList<>();
        while (true) {
            for (NetlinkMessage r : receiveFor(seq, seq)) {
                if (r.type() == Netlink.NLMSG_DONE) {
                    if (r.payload().length >= 4) {
                        int err = -ByteBuffer.wrap(r.payload()).order(ByteOrder.nativeOrder()).getInt(0);
                        if (err > 0) {
                            throw new NetlinkException(request.operation(), err, null);
                        }
                    }
                    return data;
                }
                if (r.type() == Netlink.NLMSG_ERROR) {
                    int errno = r.errorCode();
                    if (errno != 0) {
                        throw new NetlinkException(request.operation(), errno, r.errorText());
                    }
                    return data; // an ack ends a dump too (kernels that ack dumps)
                }
                if (r.type() != Netlink.NLMSG_NOOP) {
                    data.add(r);
                }
            }
        }
    }

    /** What happened to one request of a batch: errno 0 means it was applied. */
    public record Outcome(NetlinkRequest request, int errno, String kernelMessage) {
        public boolean ok() {
            return errno == 0;
        }

        public NetlinkException toException() {
            return new NetlinkException(request.operation(), errno, kernelMessage);
        }
    }

    /**
     * Sends {@code requests} in order, packing consecutive ones into single sends (bounded by the
     * batch limits); only the last message of each send asks for an acknowledgement, so a successful
     * send costs one reply, while a failing request still gets its own error reply (matched by
     * sequence number). The kernel processes a send's messages in order and continues after a failure.
     */
    public List<Outcome> executeBatch(List<NetlinkRequest> requests) {
        Outcome[] outcomes = new Outcome[requests.size()];
        int i = 0;
        while (i < requests.size()) {
            int first = i;
            int bytes = 0;
            while (i < requests.size() && i - first < maxMessagesPerSend) {
                int len = Netlink.align(Netlink.HEADER_LENGTH + requests.get(i).payload().length);
                if (i > first && bytes + len > maxBytesPerSend) {
                    break;
                }
                bytes += len;
                i++;
            }
            int firstSeq = nextSequence;
            List<NetlinkMessage> chunk = new ArrayList<>(i - first);
            for (int k = first; k < i; k++) {
                int flags = Netlink.NLM_F_REQUEST | requests.get(k).flags() | (k == i - 1 ? Netlink.NLM_F_ACK : 0);
                chunk.add(new NetlinkMessage(requests.get(k).type(), flags, nextSequence(), 0, requests.get(k).payload()));
            }
            int lastSeq = firstSeq + (i - first) - 1;
            sendMessages(chunk);
            boolean lastAnswered = false;
            while (!lastAnswered) {
                for (NetlinkMessage r : receiveFor(firstSeq, lastSeq)) {
                    if (r.type() != Netlink.NLMSG_ERROR) {
                        continue; // a request with a reply: the batch API only reports outcomes
                    }
                    int index = first + (r.sequence() - firstSeq);
                    outcomes[index] = new Outcome(requests.get(index), r.errorCode(), r.errorText());
                    if (r.sequence() == lastSeq) {
                        lastAnswered = true;
                    }
                }
            }
            for (int k = first; k < i; k++) {
                if (outcomes[k] == null) {
                    outcomes[k] = new Outcome(requests.get(k), 0, null);
                }
            }
        }
        return Arrays.asList(outcomes);
    }

    private int nextSequence() {
        int s = nextSequence++;
        if (nextSequence <= 0) {
            nextSequence = 1;
        }
        return s;
    }

    private void sendMessages(List<NetlinkMessage> messages) {
        byte[] datagram = NetlinkMessage.encodeAll(messages);
        socket.send(datagram, datagram.length);
        sends++;
        messagesSent += messages.size();
    }

    /**
     * Receives one datagram and returns its messages whose sequence number is in [first, last];
     * messages of an earlier, abandoned exchange are dropped; anything else is a protocol error.
     */
    private List<NetlinkMessage> receiveFor(int first, int last) {
        socket.receive(receiveBuffer);
        List<NetlinkMessage> all = NetlinkMessage.decodeAll(receiveBuffer);
        List<NetlinkMessage> mine = new ArrayList<>(all.size());
        for (NetlinkMessage r : all) {
            if (r.portId() != socket.portId()) {
                throw new NetlinkFormatException("reply addressed to port id " + r.portId() + ", ours is "
                        + socket.portId() + ": " + r);
            }
            if (r.sequence() >= first && r.sequence() <= last) {
                mine.add(r);
            } else if (r.sequence() < first) {
                continue; // late reply to a request we stopped waiting for
            } else {
                throw new NetlinkFormatException("reply with sequence " + r.sequence() + " while expecting "
                        + first + ".." + last + ": " + r);
            }
        }
        return mine;
    }

    @Override
    public void close() {
        socket.close();
    }
}
