package io.selfbalance.jetty;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.selfbalance.config.ConfigurationException;
import io.selfbalance.config.IpPrefix;

/**
 * What the host says about {@code selfbalance.interface}, read once at configuration time with
 * {@link NetworkInterface} (the data plane uses rtnetlink later; here we only need to fail early and name defaults).
 *
 * @param name the interface name
 * @param prefixes its addresses with their prefix lengths, in the order the host lists them
 */
record LocalInterface(String name, List<IpPrefix> prefixes) {

    LocalInterface {
        prefixes = List.copyOf(prefixes);
    }

    /**
     * @throws ConfigurationException naming {@code selfbalance.interface} when the host has no such interface
     */
    static LocalInterface lookup(String name) {
        NetworkInterface nic;
        List<String> known = new ArrayList<>();
        try {
            nic = NetworkInterface.getByName(name);
            if (nic == null) {
                for (NetworkInterface each : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    known.add(each.getName());
                }
            }
        } catch (SocketException e) {
            throw new ConfigurationException(List.of("selfbalance.interface=" + name + ": cannot read the host's interfaces: " + e.getMessage()));
        }
        if (nic == null) {
            Collections.sort(known);
            throw new ConfigurationException(List.of("selfbalance.interface=" + name
                + ": no such network interface on this host; it has " + String.join(", ", known)));
        }
        List<IpPrefix> prefixes = new ArrayList<>();
        for (InterfaceAddress address : nic.getInterfaceAddresses()) {
            prefixes.add(new IpPrefix(address.getAddress(), address.getNetworkPrefixLength()));
        }
        return new LocalInterface(name, prefixes);
    }

    /** The default {@code selfbalance.address}: the first IPv4 address, else the first IPv6 address that is not link-local. */
    Optional<InetAddress> primaryAddress() {
        Optional<InetAddress> v4 = prefixes.stream().map(IpPrefix::address).filter(a -> a instanceof Inet4Address).findFirst();
        if (v4.isPresent()) {
            return v4;
        }
        return prefixes.stream().map(IpPrefix::address).filter(a -> !a.isLinkLocalAddress()).findFirst();
    }
}
