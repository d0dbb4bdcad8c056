package lvs.io;

import org.agrona.MutableDirectBuffer;

/**
 * Receives packets that the director's kernel has already seen and marked (firewall marks are set by
 * the operator's iptables/nftables rules, after AF_PACKET taps), from a {@link MarkedPacketSource}.
 * The frame starts with a synthetic Ethernet header (source: the sender's MAC when known, destination
 * zero) so that the usual parser applies; the region is valid only during the call.
 */
@FunctionalInterface
public interface MarkedFrameHandler {
    /**
     * @param ifIndex the interface the packet came in on
     * @param mark    the packet's firewall mark ({@code skb->mark})
     * @return true when the packet was taken (forwarded or deliberately dropped): the kernel's copy is
     *         then dropped; false to give it back to the kernel unchanged (no virtual service wants it)
     */
    boolean onMarkedFrame(int ifIndex, int mark, MutableDirectBuffer buffer, int offset, int length);
}
