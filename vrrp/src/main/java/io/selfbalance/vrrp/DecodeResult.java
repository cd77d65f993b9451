package io.selfbalance.vrrp;

import java.net.InetAddress;

/** The outcome of decoding and validating one received packet: accepted or dropped with a reason. */
public sealed interface DecodeResult {

    /**
     * A valid advertisement.
     *
     * @param checksumMode how its checksum verified (v3 IPv4 senders differ; v2 is always message-only,
     *                     v3 IPv6 always with pseudo-header)
     */
    record Accepted(VrrpAdvertisement advertisement, InetAddress source, int ttl, ChecksumMode checksumMode)
            implements DecodeResult {}

    /** A packet that failed the check named by {@code reason}; {@code detail} says what was seen. */
    record Dropped(DropReason reason, String detail) implements DecodeResult {}
}
