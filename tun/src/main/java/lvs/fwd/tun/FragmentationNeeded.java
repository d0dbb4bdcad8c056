package lvs.fwd.tun;

import java.nio.ByteOrder;
import lvs.dataplane.Egress;
import lvs.dataplane.IcmpErrors;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ICMP "fragmentation needed" (type 3 code 4) the director sends a client whose DF packet no longer
 * fits once encapsulated, as the kernel's {@code icmp_send} writes it ({@link IcmpErrors#writeIpv4}): from
 * the address the client sent to (the VIP, local to the director), TOS {@code 0xC0 | (tos & 0x1E)}, TTL
 * 64, no DF, the next-hop MTU in the low half of the rest-of-header word, then as much of the client's
 * packet as fits in 576 bytes. The frame goes back out of the interface the packet came in on, to the
 * MAC it came from.
 */
final class FragmentationNeeded {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    static final int ETH = IcmpErrors.ETH;

    private FragmentationNeeded() {
    }

    /**
     * Writes the Ethernet frame into {@code out} at 0 and returns its length.
     *
     * @param packet the client's IPv4 packet (as it would have been forwarded: TTL already decremented)
     */
    static int write(MutableDirectBuffer out, DirectBuffer packet, int ip, int ipLength, int mtu, int id,
                     Egress egress) {
        return IcmpErrors.writeIpv4(out, egress.replyDestinationMac, egress.replySourceMac, packet, ip, ipLength,
            IcmpErrors.ICMP_DEST_UNREACH, IcmpErrors.ICMP_FRAG_NEEDED, mtu & 0xFFFF, id, packet.getInt(ip + 16, NET));
    }
}
