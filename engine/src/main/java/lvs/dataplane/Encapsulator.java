package lvs.dataplane;

import lvs.packet.FlowKey;
import org.agrona.MutableDirectBuffer;

/**
 * A forwarding method that wraps the client's packet in new headers instead of rewriting it in place
 * (TUN: an outer IPv4 or IPv6 header, optionally UDP+GUE or GRE). Unlike a plain {@link Forwarder} it writes
 * its own frames: the output is longer than the input, a GSO super-frame may have to be cut into
 * several frames first, and a packet too big for the tunnel is answered with an ICMP error to the
 * client instead of being sent. The pipeline has already found the connection, the route and the next
 * hop to the real server and describes them in {@link Egress}. Data-plane thread only; no allocation.
 */
public interface Encapsulator {
    /** Sent (all segments of a GSO frame). */
    int SENT = 0;
    /** TTL would expire: dropped. */
    int DROP_TTL_EXPIRED = 1;
    /**
     * Too big for the tunnel (IPv4 with DF set; any IPv6 packet): ICMP "fragmentation needed" or ICMPv6
     * "packet too big" went back to the client instead (within the rate limit).
     */
    int DROP_FRAG_NEEDED = 2;
    /** The method cannot carry this frame (unsupported GSO type, tunnel MTU below 68, or 1280 over IPv6). */
    int DROP_UNSUPPORTED = 3;
    /** The transmit queue refused a frame. */
    int DROP_TX_FAILED = 4;

    /**
     * Encapsulates the frame at {@code offset} (an Ethernet frame holding the parsed IPv4 or IPv6 packet
     * {@code flow}) for the real server {@code egress} names, and sends the result through {@code sink}.
     *
     * @param offload the frame's {@link lvs.io.Offload} metadata (CHECKSUM_PARTIAL, GSO)
     */
    int encapsulate(MutableDirectBuffer frame, int offset, FlowKey flow, long offload, Egress egress, FrameSink sink);
}
