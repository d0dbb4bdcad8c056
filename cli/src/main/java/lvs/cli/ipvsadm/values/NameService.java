package lvs.cli.ipvsadm.values;

/**
 * The libc look-ups ipvsadm makes while parsing: {@code gethostbyname} (IPv4 only, first address) and
 * {@code getservbyname}. Tests substitute a hosts-file-only implementation so they never query DNS.
 */
public interface NameService {
    /** The first IPv4 address of {@code name} as a host-order value, or -1 when it does not resolve. */
    long hostToIpv4(String name);

    /** The port of service {@code name} for protocol {@code proto} ("tcp", "udp", "sctp"), or -1. */
    int serviceToPort(String name, String proto);
}
