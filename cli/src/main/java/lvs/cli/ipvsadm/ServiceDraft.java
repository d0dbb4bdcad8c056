package lvs.cli.ipvsadm;

import lvs.model.AddressFamily;
import lvs.model.InetAddress;

/**
 * The service being built from the command line: ipvsadm's {@code ipvs_service_t} while options are
 * read. Mutable on purpose, because ipvsadm's order quirks (a later {@code -t} resetting an IPv6 mask,
 * {@code -r} copying the service parsed so far) are defined in terms of this one struct.
 */
final class ServiceDraft {
    static final int PROTO_NONE = 0;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_SCTP = 132;

    AddressFamily family = AddressFamily.INET;
    int protocol = PROTO_NONE;
    InetAddress address = InetAddress.any(AddressFamily.INET);
    int port;
    long fwmark;
    int flags;
    int timeout;
    long netmask = 0xffffffffL;
    String scheduler = "";
    String persistenceEngine = "";

    ServiceDraft copy() {
        ServiceDraft c = new ServiceDraft();
        c.family = family;
        c.protocol = protocol;
        c.address = address;
        c.port = port;
        c.fwmark = fwmark;
        c.flags = flags;
        c.timeout = timeout;
        c.netmask = netmask;
        c.scheduler = scheduler;
        c.persistenceEngine = persistenceEngine;
        return c;
    }
}
