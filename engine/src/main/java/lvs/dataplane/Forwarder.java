package lvs.dataplane;

import lvs.packet.FlowKey;
import org.agrona.MutableDirectBuffer;

/**
 * One forwarding method's rewrite of the IP packet (the kernel's transmitters and, for NAT, the
 * reply handler), in place. The data plane writes the Ethernet header for the next hop afterwards.
 * Implementations live in the method modules ({@code nat}, {@code dr}, {@code tun}) and are wired by
 * the composition root. Data-plane thread only; no allocation.
 */
public interface Forwarder {
    /** The packet was rewritten and should be sent. */
    int FORWARD = 0;
    /** TTL would expire: drop (and count). */
    int DROP_TTL_EXPIRED = 1;
    /** The method cannot carry this packet. */
    int DROP_UNSUPPORTED = 2;

    /**
     * A client's packet (or an ICMP error from the client side about our reply) for a connection to
     * real server {@code realAddress:realPort}, arriving at {@code virtualAddress:virtualPort}.
     *
     * @param flow            the parsed frame (offsets, ICMP inner header)
     * @param checksumPartial the frame's transport checksum holds only the pseudo-header sum
     *                        (CHECKSUM_PARTIAL, completed by the kernel on transmit)
     */
    int toRealServer(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                     int virtualAddress, int virtualPort, boolean checksumPartial);

    /** A real server's reply (or its ICMP error about a client packet), for methods whose replies pass the director. */
    int toClient(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                 int virtualAddress, int virtualPort, boolean checksumPartial);

    /**
     * {@link #toRealServer} for an IPv6 packet: addresses as (hi, lo) halves, see {@link FlowKey}. The
     * hop limit is the method's to decrement (it has no header checksum in IPv6). A method that does not
     * carry IPv6 keeps this default.
     */
    default int toRealServer6(MutableDirectBuffer frame, FlowKey flow, long realHi, long realLo, int realPort,
                              long virtualHi, long virtualLo, int virtualPort, boolean checksumPartial) {
        return DROP_UNSUPPORTED;
    }

    /** {@link #toClient} for an IPv6 packet. */
    default int toClient6(MutableDirectBuffer frame, FlowKey flow, long realHi, long realLo, int realPort,
                          long virtualHi, long virtualLo, int virtualPort, boolean checksumPartial) {
        return DROP_UNSUPPORTED;
    }
}
