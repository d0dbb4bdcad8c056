package lvs.fwd.tun;

import lvs.dataplane.Egress;
import lvs.dataplane.IcmpErrors;
import lvs.packet.FlowKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ICMPv6 "packet too big" (type 2 code 0) the director sends a client whose IPv6 packet no longer
 * fits once encapsulated, as the kernel's {@code icmpv6_send} from {@code ensure_mtu_is_adequate} writes
 * it ({@link IcmpErrors#writeIpv6}): from the address the client sent to (the VIP, local to the
 * director), the tunnel MTU in the 32-bit MTU field, then as much of the client's packet as fits in
 * 1280 bytes, hop limit already decremented. The frame goes back out of the interface the packet came
 * in on, to the MAC it came from.
 */
final class PacketTooBig {
    private PacketTooBig() {
    }

    /** Writes the Ethernet frame into {@code out} at 0 and returns its length. */
    static int write(MutableDirectBuffer out, DirectBuffer packet, int ip, int ipLength, int mtu, FlowKey flow,
                     Egress egress) {
        return IcmpErrors.writeIpv6(out, egress.replyDestinationMac, egress.replySourceMac, packet, ip, ipLength,
            IcmpErrors.ICMPV6_PKT_TOOBIG, 0, mtu, flow.dstHi(), flow.dstLo());
    }
}
