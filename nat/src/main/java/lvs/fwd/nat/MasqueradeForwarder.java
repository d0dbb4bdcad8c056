package lvs.fwd.nat;

import lvs.dataplane.Forwarder;
import lvs.packet.FlowKey;
import org.agrona.MutableDirectBuffer;

/**
 * {@code -m}: masquerading. Requests get destination := real server (with port mapping), replies get
 * source := VIP:vport; ICMP errors about a connection are translated both ways (§5.6 of the kernel
 * notes). TTL is decremented once, as forwarding through the director does; TTL ≤ 1 is dropped.
 */
public final class MasqueradeForwarder implements Forwarder {
    @Override
    public int toRealServer(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                            int virtualAddress, int virtualPort, boolean checksumPartial) {
        if (!NatRewrite.decrementTtl(frame, flow.l3Offset())) {
            return DROP_TTL_EXPIRED;
        }
        if (flow.icmpInnerOffset() != FlowKey.ABSENT) {
            IcmpErrorRewrite.toRealServer(frame, flow.l3Offset(), flow.l4Offset(), flow.icmpInnerOffset(),
                flow.packetEnd(), realAddress, realPort);
        } else {
            NatRewrite.rewriteDestination(frame, flow.l3Offset(), flow.l4Offset(), flow.protocol(),
                realAddress, realPort, checksumPartial);
        }
        return FORWARD;
    }

    @Override
    public int toClient(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                        int virtualAddress, int virtualPort, boolean checksumPartial) {
        if (!NatRewrite.decrementTtl(frame, flow.l3Offset())) {
            return DROP_TTL_EXPIRED;
        }
        if (flow.icmpInnerOffset() != FlowKey.ABSENT) {
            IcmpErrorRewrite.fromRealServer(frame, flow.l3Offset(), flow.l4Offset(), flow.icmpInnerOffset(),
                flow.packetEnd(), virtualAddress, virtualPort);
        } else {
            NatRewrite.rewriteSource(frame, flow.l3Offset(), flow.l4Offset(), flow.protocol(),
                virtualAddress, virtualPort, checksumPartial);
        }
        return FORWARD;
    }
}
