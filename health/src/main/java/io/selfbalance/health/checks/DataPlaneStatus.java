package io.selfbalance.health.checks;

import java.util.List;
import java.util.Objects;

/**
 * What the data plane reports, as plain values (the health module does not know the ipvs module).
 *
 * @param ipvsTableInSync whether the kernel IPVS table equals the desired table (on a backup the desired table is
 *        empty)
 * @param ipvsDifferences how many services/destinations/weights differ (0 when in sync)
 * @param vip the virtual address as text
 * @param vipExpectedOn the interface the VIP should be on: the main interface on the master, {@code lo} on a backup
 * @param vipFoundOn the interfaces the VIP is actually on (normally exactly {@code vipExpectedOn})
 */
public record DataPlaneStatus(boolean ipvsTableInSync, int ipvsDifferences, String vip, String vipExpectedOn,
        List<String> vipFoundOn) {

    public DataPlaneStatus {
        if (ipvsDifferences < 0) {
            throw new IllegalArgumentException("ipvsDifferences: " + ipvsDifferences + " is not allowed; use 0 or more");
        }
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(vipExpectedOn, "vipExpectedOn");
        vipFoundOn = List.copyOf(vipFoundOn);
    }

    /** The VIP is on exactly the interface it should be on. */
    public boolean vipPlacedCorrectly() {
        return vipFoundOn.size() == 1 && vipFoundOn.get(0).equals(vipExpectedOn);
    }
}
