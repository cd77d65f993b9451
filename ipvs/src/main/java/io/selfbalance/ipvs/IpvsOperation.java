package io.selfbalance.ipvs;

/** One change to the kernel's IPVS table; a reconciliation is a list of these. */
public sealed interface IpvsOperation {

    record AddService(IpvsService service) implements IpvsOperation {
        @Override public String toString() {
            return "add service " + service;
        }
    }

    record EditService(IpvsService service) implements IpvsOperation {
        @Override public String toString() {
            return "edit service " + service;
        }
    }

    record DeleteService(IpvsService.Key service) implements IpvsOperation {
        @Override public String toString() {
            return "delete service " + service;
        }
    }

    record AddDestination(IpvsService.Key service, IpvsDestination destination) implements IpvsOperation {
        @Override public String toString() {
            return "add destination " + destination + " to " + service;
        }
    }

    record EditDestination(IpvsService.Key service, IpvsDestination destination) implements IpvsOperation {
        @Override public String toString() {
            return "edit destination " + destination + " of " + service;
        }
    }

    record DeleteDestination(IpvsService.Key service, IpvsDestination.Key destination) implements IpvsOperation {
        @Override public String toString() {
            return "delete destination " + destination + " from " + service;
        }
    }
}
