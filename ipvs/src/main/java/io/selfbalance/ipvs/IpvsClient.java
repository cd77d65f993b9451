package io.selfbalance.ipvs;

import io.selfbalance.ipvs.netlink.Errno;
import io.selfbalance.ipvs.netlink.GenericNetlink;
import io.selfbalance.ipvs.netlink.Netlink;
import io.selfbalance.ipvs.netlink.NetlinkConnection;
import io.selfbalance.ipvs.netlink.NetlinkException;
import io.selfbalance.ipvs.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's IPVS table over generic netlink: read it (version, services, destinations with their
 * counters) and change it one operation at a time or in batches. Adds that meet an existing entry
 * ({@code EEXIST}) and deletes that meet a missing one ({@code ENOENT}/{@code ESRCH}) count as done,
 * so repeating an operation is harmless.
 *
 * <p>Not thread-safe; one owner thread.
 */
public final class IpvsClient implements AutoCloseable {
    private final NetlinkConnection connection;
    private final IpvsCodec codec;

    /** Uses {@code connection} (a NETLINK_GENERIC connection) and resolves the IPVS family on it. */
    public IpvsClient(NetlinkConnection connection) {
        this.connection = connection;
        GenericNetlink.Family family;
        try {
            family = GenericNetlink.resolve(connection, IpvsCodec.FAMILY);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new IpvsUnavailableException(e);
            }
            throw e;
        }
        this.codec = new IpvsCodec(family.id());
    }

    /** Opens a generic netlink socket in the caller's network namespace. */
    public static IpvsClient open() {
        NetlinkConnection c = NetlinkConnection.open(Netlink.NETLINK_GENERIC);
        try {
            return new IpvsClient(c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The underlying connection (message and send counters). */
    public NetlinkConnection connection() {
        return connection;
    }

    public IpvsInfo info() {
        for (NetlinkMessage m : connection.execute(codec.info())) {
            if (codec.isMine(m)) {
                return codec.decodeInfo(m);
            }
        }
        throw new IllegalStateException("the kernel acknowledged IPVS_CMD_GET_INFO without an answer");
    }

    public List<IpvsService> services() {
        List<IpvsService> out = new ArrayList<>();
        for (NetlinkMessage m : connection.dump(codec.dumpServices())) {
            if (codec.isMine(m)) {
                out.add(codec.decodeService(m));
            }
        }
        return out;
    }

    public List<IpvsDestination> destinations(IpvsService.Key service) {
        List<IpvsDestination> out = new ArrayList<>();
        for (NetlinkMessage m : connection.dump(codec.dumpDestinations(service))) {
            if (codec.isMine(m)) {
                out.add(codec.decodeDestination(m, service.family()));
            }
        }
        return out;
    }

    /** Every service with its destinations, as the kernel has them now. */
    public IpvsTable table() {
        List<IpvsTable.Entry> entries = new ArrayList<>();
        for (IpvsService s : services()) {
            entries.add(new IpvsTable.Entry(s, destinations(s.key())));
        }
        return new IpvsTable(entries);
    }

    public void addService(IpvsService service) {
        applyOrThrow(List.of(new IpvsOperation.AddService(service)));
    }

    public void editService(IpvsService service) {
        applyOrThrow(List.of(new IpvsOperation.EditService(service)));
    }

    public void deleteService(IpvsService.Key service) {
        applyOrThrow(List.of(new IpvsOperation.DeleteService(service)));
    }

    public void addDestination(IpvsService.Key service, IpvsDestination destination) {
        applyOrThrow(List.of(new IpvsOperation.AddDestination(service, destination)));
    }

    public void editDestination(IpvsService.Key service, IpvsDestination destination) {
        applyOrThrow(List.of(new IpvsOperation.EditDestination(service, destination)));
    }

    public void deleteDestination(IpvsService.Key service, IpvsDestination.Key destination) {
        applyOrThrow(List.of(new IpvsOperation.DeleteDestination(service, destination)));
    }

    /** Sets the weight of {@code destination} (its other settings as given) in one message. */
    public void setWeight(IpvsService.Key service, IpvsDestination destination, int weight) {
        editDestination(service, destination.withWeight(weight).settings());
    }

    /** The connection sync daemons running in this network namespace (none, a master, a backup, or both). */
    public List<IpvsSyncDaemon> syncDaemons() {
        List<IpvsSyncDaemon> out = new ArrayList<>();
        for (NetlinkMessage m : connection.dump(codec.dumpDaemons())) {
            if (codec.isMine(m)) {
                out.add(codec.decodeDaemon(m));
            }
        }
        return out;
    }

    /**
     * Starts {@code daemon}; one of its role already running is stopped first (the kernel refuses a second one with
     * {@code EEXIST}), so the call also moves a daemon to another interface or sync id.
     */
    public void startSyncDaemon(IpvsSyncDaemon daemon) {
        for (IpvsSyncDaemon running : syncDaemons()) {
            if (running.equals(daemon)) {
                return;
            }
            if (running.role() == daemon.role()) {
                connection.execute(codec.delDaemon(daemon.role()));
            }
        }
        connection.execute(codec.newDaemon(daemon));
    }

    /** Stops the sync daemon of {@code role}; none running ({@code ESRCH}) counts as done. */
    public void stopSyncDaemon(IpvsSyncDaemon.Role role) {
        try {
            connection.execute(codec.delDaemon(role));
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    /** Removes every service and destination in this network namespace. */
    public void flush() {
        connection.execute(codec.flush());
    }

    /** What became of one operation of a batch. */
    public record Result(IpvsOperation operation, Status status, NetlinkException error) {
        public boolean failed() {
            return status == Status.FAILED;
        }
    }

    public enum Status {
        /** The kernel made the change. */
        APPLIED,
        /** Nothing to do: the entry to add existed or the entry to delete was gone. */
        ALREADY_DONE,
        FAILED
    }

    /**
     * Applies {@code operations} in order, packed into as few sends as the netlink layer allows, and
     * reports each one's outcome; a failure does not stop the following operations.
     */
    public List<Result> apply(List<IpvsOperation> operations) {
        List<io.selfbalance.ipvs.netlink.NetlinkRequest> requests = new ArrayList<>(operations.size());
        for (IpvsOperation op : operations) {
            requests.add(codec.request(op));
        }
        List<NetlinkConnection.Outcome> outcomes = connection.executeBatch(requests);
        List<Result> results = new ArrayList<>(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            IpvsOperation op = operations.get(i);
            NetlinkConnection.Outcome o = outcomes.get(i);
            if (o.ok()) {
                results.add(new Result(op, Status.APPLIED, null));
            } else if (alreadyDone(op, o.errno())) {
                results.add(new Result(op, Status.ALREADY_DONE, null));
            } else {
                results.add(new Result(op, Status.FAILED, o.toException()));
            }
        }
        return results;
    }

    /** Like {@link #apply} but throws the first failure (after every operation was attempted). */
    public List<Result> applyOrThrow(List<IpvsOperation> operations) {
        List<Result> results = apply(operations);
        for (Result r : results) {
            if (r.failed()) {
                throw r.error();
            }
        }
        return results;
    }

    static boolean alreadyDone(IpvsOperation op, int errno) {
        if (op instanceof IpvsOperation.AddService || op instanceof IpvsOperation.AddDestination) {
            return errno == Errno.EEXIST;
        }
        if (op instanceof IpvsOperation.DeleteService || op instanceof IpvsOperation.DeleteDestination) {
            // a missing service answers ESRCH; a missing destination of an existing service ENOENT
            return errno == Errno.ENOENT || errno == Errno.ESRCH;
        }
        return false;
    }

    @Override
    public void close() {
        connection.close();
    }
}
