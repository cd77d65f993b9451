package io.selfbalance.ipvs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Virtual services with their destinations: what the kernel holds, or what it should hold. */
public record IpvsTable(List<Entry> entries) {

    public IpvsTable {
        Map<IpvsService.Key, Boolean> seen = new LinkedHashMap<>();
        List<Entry> copy = new ArrayList<>();
        for (Entry e : entries) {
            if (seen.put(e.service().key(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("service " + e.service().key() + " appears twice in the table");
            }
            copy.add(e);
        }
        entries = Collections.unmodifiableList(copy);
    }

    public static IpvsTable empty() {
        return new IpvsTable(List.of());
    }

    public static IpvsTable of(Map<IpvsService, List<IpvsDestination>> services) {
        List<Entry> list = new ArrayList<>();
        services.forEach((s, d) -> list.add(new Entry(s, d)));
        return new IpvsTable(list);
    }

    public Entry find(IpvsService.Key key) {
        for (Entry e : entries) {
            if (e.service().key().equals(key)) {
                return e;
            }
        }
        return null;
    }

    public int destinationCount() {
        return entries.stream().mapToInt(e -> e.destinations().size()).sum();
    }

    /** One service and its destinations (destination keys unique). */
    public record Entry(IpvsService service, List<IpvsDestination> destinations) {
        public Entry {
            Map<IpvsDestination.Key, Boolean> seen = new LinkedHashMap<>();
            for (IpvsDestination d : destinations) {
                if (seen.put(d.key(), Boolean.TRUE) != null) {
                    throw new IllegalArgumentException("destination " + d.key() + " appears twice in service " + service.key());
                }
            }
            destinations = List.copyOf(destinations);
        }
    }
}
