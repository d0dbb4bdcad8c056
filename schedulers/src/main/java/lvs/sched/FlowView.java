package lvs.sched;

/**
 * A read-only view of the packet that opens a new connection, always in the client-to-service direction
 * (for an ICMP error handled "inverse", the engine presents the embedded packet's addresses swapped back, so
 * the client is still the source). Implemented by the engine over its reused flow key; no allocation.
 */
public interface FlowView {
    int PROTOCOL_TCP = 6;
    int PROTOCOL_UDP = 17;
    int PROTOCOL_SCTP = 132;

    /** {@link DestinationView#AF_INET} or {@link DestinationView#AF_INET6}. */
    int addressFamily();

    /** IP protocol number. */
    int protocol();

    /** Client IPv4 address, big-endian int. */
    int sourceIpv4Address();

    /** Word {@code 0..3} of the client IPv6 address, big-endian ints. */
    int sourceIpv6AddressWord(int word);

    /** Client port (0 for protocols without ports). */
    int sourcePort();

    /** The packet's destination IPv4 address (the VIP, or the origin server for a cache cluster). */
    int destinationIpv4Address();

    int destinationIpv6AddressWord(int word);

    int destinationPort();
}
