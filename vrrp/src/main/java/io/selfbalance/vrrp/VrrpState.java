package io.selfbalance.vrrp;

/** RFC 5798 section 6.4 states (RFC 9568 calls Master "Active"). */
public enum VrrpState {
    INITIALIZE, BACKUP, MASTER
}
