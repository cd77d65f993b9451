package io.selfbalance.ipvs.net;

import java.net.InetAddress;

/** Sends one announcement of an address on a link (gratuitous ARP for IPv4, unsolicited NA for IPv6). */
public interface AnnouncementSender extends AutoCloseable {
    void announce(LinkInfo link, InetAddress address);

    @Override
    void close();
}
