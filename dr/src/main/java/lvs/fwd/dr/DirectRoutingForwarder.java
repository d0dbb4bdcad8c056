package lvs.fwd.dr;

import lvs.dataplane.Forwarder;
import lvs.packet.FlowKey;
import lvs.packet.Ipv4Header;
import lvs.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

/**
 * {@code -g}: direct routing (the kernel's {@code ip_vs_dr_xmit}, reference §5.3). The IP packet goes
 * on untouched, still addressed to the VIP, except for what forwarding always does: TTL − 1 with the
 * header checksum patched to match. The data plane then rewrites the Ethernet header for the real
 * server's address (destination = the RS's MAC from the neighbour table, source = the egress NIC),
 * which is all "direct routing" is.
 *
 * <p>Nothing above IP is read or written, so CHECKSUM_PARTIAL and GSO frames keep their offload
 * metadata valid as they are (the pseudo-header does not include the TTL), and ICMP errors about a
 * connection go on unchanged as the kernel does for non-NAT methods. Replies do not pass the
 * director, so there is no reply path. Data-plane thread only; no allocation.
 */
public final class DirectRoutingForwarder implements Forwarder {
    private final Ipv4Header ip = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();

    @Override
    public int toRealServer(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                            int virtualAddress, int virtualPort, boolean checksumPartial) {
        int l3 = flow.l3Offset();
        ip.wrap(frame, l3, Ipv4Header.MIN_LENGTH);
        if (ip.ttl() <= 1) {
            return DROP_TTL_EXPIRED; // the frame is left as it came
        }
        ip.decrementTtl();
        return FORWARD;
    }

    /** IPv6: the hop limit is all that changes (IPv6 has no header checksum). */
    @Override
    public int toRealServer6(MutableDirectBuffer frame, FlowKey flow, long realHi, long realLo, int realPort,
                             long virtualHi, long virtualLo, int virtualPort, boolean checksumPartial) {
        ip6.wrap(frame, flow.l3Offset(), Ipv6Header.LENGTH);
        int hopLimit = ip6.hopLimit();
        if (hopLimit <= 1) {
            return DROP_TTL_EXPIRED;
        }
        ip6.hopLimit(hopLimit - 1);
        return FORWARD;
    }

    /** Replies go from the real server straight to the client; one that reached us is not ours to send. */
    @Override
    public int toClient(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                        int virtualAddress, int virtualPort, boolean checksumPartial) {
        return DROP_UNSUPPORTED;
    }
}
