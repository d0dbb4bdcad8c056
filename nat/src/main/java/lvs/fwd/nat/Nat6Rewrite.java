package lvs.fwd.nat;

import static lvs.fwd.nat.NatRewrite.NET;
import static lvs.fwd.nat.NatRewrite.PROTO_TCP;
import static lvs.fwd.nat.NatRewrite.PROTO_UDP;
import static lvs.fwd.nat.NatRewrite.TCP_CHECK;
import static lvs.fwd.nat.NatRewrite.UDP_CHECK;
import static lvs.fwd.nat.NatRewrite.UDP_LEN;

import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * {@link NatRewrite} for IPv6 packets (the kernel's {@code ip_vs_nat_xmit_v6} and the IPv6 reply
 * handler): 128-bit address and port rewritten in place, the transport checksum updated
 * incrementally (RFC 1624 over the 128-bit change; IPv6 has no header checksum), the hop limit
 * decremented. {@code ip} is the IPv6 header, {@code l4} the TCP/UDP header after any extension
 * headers. No allocation.
 */
public final class Nat6Rewrite {
    static final int HOP_LIMIT = 7;
    static final int SRC = 8;
    static final int DST = 24;

    private Nat6Rewrite() {
    }

    /** Request direction: destination address and port := the real server's. */
    public static void rewriteDestination(MutableDirectBuffer buffer, int ip, int l4, int protocol,
                                          long newHi, long newLo, int newPort, boolean checksumPartial) {
        rewrite(buffer, ip, l4, protocol, DST, 2, newHi, newLo, newPort, checksumPartial);
    }

    /** Reply direction: source address and port := VIP and virtual port. */
    public static void rewriteSource(MutableDirectBuffer buffer, int ip, int l4, int protocol,
                                     long newHi, long newLo, int newPort, boolean checksumPartial) {
        rewrite(buffer, ip, l4, protocol, SRC, 0, newHi, newLo, newPort, checksumPartial);
    }

    /**
     * Decrements the hop limit as forwarding does.
     *
     * @return false, leaving the packet unchanged, when the hop limit is ≤ 1: the packet must be dropped
     */
    public static boolean decrementHopLimit(MutableDirectBuffer buffer, int ip) {
        int hopLimit = buffer.getByte(ip + HOP_LIMIT) & 0xff;
        if (hopLimit <= 1) {
            return false;
        }
        buffer.putByte(ip + HOP_LIMIT, (byte) (hopLimit - 1));
        return true;
    }

    private static void rewrite(MutableDirectBuffer buffer, int ip, int l4, int protocol, int addressField,
                                int portField, long newHi, long newLo, int newPort, boolean checksumPartial) {
        long oldHi = buffer.getLong(ip + addressField, NET);
        long oldLo = buffer.getLong(ip + addressField + 8, NET);
        buffer.putLong(ip + addressField, newHi, NET);
        buffer.putLong(ip + addressField + 8, newLo, NET);
        if (protocol != PROTO_TCP && protocol != PROTO_UDP) {
            return;
        }
        int oldPort = buffer.getShort(l4 + portField, NET) & 0xffff;
        buffer.putShort(l4 + portField, (short) newPort, NET);
        int checkAt = l4 + (protocol == PROTO_TCP ? TCP_CHECK : UDP_CHECK);
        int check = buffer.getShort(checkAt, NET) & 0xffff;
        if (checksumPartial) {
            // Only the pseudo-header sum is in the field; the port is summed when the kernel completes it.
            check = Checksum.partialUpdate128(check, oldHi, oldLo, newHi, newLo);
        } else if (protocol == PROTO_UDP && check == 0) {
            // Zero is not a valid IPv6 UDP checksum (RFC 8200 §8.1); leave with a real one, as for IPv4.
            int udpLength = buffer.getShort(l4 + UDP_LEN, NET) & 0xffff;
            check = Checksum.udpNonZero(Checksum.transport(buffer, l4, udpLength,
                Checksum.pseudoHeaderV6(buffer, ip + SRC, ip + DST, PROTO_UDP, udpLength)));
        } else {
            check = Checksum.update128(check, oldHi, oldLo, newHi, newLo);
            check = Checksum.update16(check, oldPort, newPort);
            if (protocol == PROTO_UDP && check == 0) {
                check = 0xffff;
            }
        }
        buffer.putShort(checkAt, (short) check, NET);
    }
}
