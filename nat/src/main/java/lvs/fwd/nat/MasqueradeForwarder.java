package lvs.fwd.nat;

import lvs.dataplane.Forwarder;
import lvs.packet.FlowKey;
import org.agrona.MutableDirectBuffer;

/**
 * {@code -m}: masquerading. Requests get destination := real server (with port mapping), replies get
 * source := VIP:vport; ICMP errors about a connection are translated both ways (§5.6 of the kernel
 * notes). TTL (IPv6: hop limit) is decremented once, as forwarding through the director does; ≤ 1 is
 * dropped. IPv6 goes through {@link Nat6Rewrite} and {@link Icmpv6ErrorRewrite}.
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

    @Override
    public int toRealServer6(MutableDirectBuffer frame, FlowKey flow, long realHi, long realLo, int realPort,
                             long virtualHi, long virtualLo, int virtualPort, boolean checksumPartial) {
        if (!Nat6Rewrite.decrementHopLimit(frame, flow.l3Offset())) {
            return DROP_TTL_EXPIRED;
        }
        if (flow.icmpInnerOffset() != FlowKey.ABSENT) {
            Icmpv6ErrorRewrite.toRealServer(frame, flow.l3Offset(), flow.l4Offset(), flow.icmpInnerOffset(),
                flow.packetEnd(), realHi, realLo, realPort);
        } else {
            Nat6Rewrite.rewriteDestination(frame, flow.l3Offset(), flow.l4Offset(), flow.protocol(),
                realHi, realLo, realPort, checksumPartial);
        }
        return FORWARD;
    }

    @Override
    public int toClient6(MutableDirectBuffer frame, FlowKey flow, long realHi, long realLo, int realPort,
                         long virtualHi, long virtualLo, int virtualPort, boolean checksumPartial) {
        if (!Nat6Rewrite.decrementHopLimit(frame, flow.l3Offset())) {
            return DROP_TTL_EXPIRED;
        }
        if (flow.icmpInnerOffset() != FlowKey.ABSENT) {
            Icmpv6ErrorRewrite.fromRealServer(frame, flow.l3Offset(), flow.l4Offset(), flow.icmpInnerOffset(),
                flow.packetEnd(), virtualHi, virtualLo, virtualPort);
        } else {
            Nat6Rewrite.rewriteSource(frame, flow.l3Offset(), flow.l4Offset(), flow.protocol(),
                virtualHi, virtualLo, virtualPort, checksumPartial);
        }
        return FORWARD;
    }
}
