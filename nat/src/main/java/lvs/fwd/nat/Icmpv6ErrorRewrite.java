package lvs.fwd.nat;

import static lvs.fwd.nat.NatRewrite.NET;
import static lvs.fwd.nat.NatRewrite.PROTO_TCP;
import static lvs.fwd.nat.NatRewrite.PROTO_UDP;

import lvs.packet.Checksum;
import lvs.packet.Icmpv6Header;
import lvs.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

/**
 * Translation of an ICMPv6 error (any type below 128: unreachable, packet too big, time exceeded,
 * parameter problem) that belongs to a NAT connection, as {@link IcmpErrorRewrite} does for IPv4: the
 * outer address, the quoted header's address and the quoted port are rewritten, and the ICMPv6
 * checksum, which covers the IPv6 pseudo-header, is recomputed over the whole message. The quoted
 * transport checksum is left alone (the kernel leaves it too). The quoted transport header is taken to
 * follow the quoted IPv6 header directly; otherwise only the addresses change.
 *
 * <p>Offsets are absolute: {@code ip} the outer IPv6 header, {@code icmp} the ICMPv6 header,
 * {@code innerIp} the quoted IPv6 header; {@code end} is one past the outer packet's last byte.
 */
public final class Icmpv6ErrorRewrite {
    private Icmpv6ErrorRewrite() {
    }

    /** An error from a real server about a client's packet: it must look as if the VIP sent it. */
    public static void fromRealServer(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                      long virtualHi, long virtualLo, int virtualPort) {
        translate(buffer, ip, icmp, innerIp, end, Nat6Rewrite.SRC, Nat6Rewrite.DST, 2, virtualHi, virtualLo, virtualPort);
    }

    /** An error from the client side about a reply we sent from the VIP: it goes to the real server. */
    public static void toRealServer(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                    long realHi, long realLo, int realPort) {
        translate(buffer, ip, icmp, innerIp, end, Nat6Rewrite.DST, Nat6Rewrite.SRC, 0, realHi, realLo, realPort);
    }

    private static void translate(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                  int outerField, int innerField, int innerPortField, long hi, long lo, int port) {
        buffer.putLong(ip + outerField, hi, NET);
        buffer.putLong(ip + outerField + 8, lo, NET);
        buffer.putLong(innerIp + innerField, hi, NET);
        buffer.putLong(innerIp + innerField + 8, lo, NET);
        int innerProtocol = buffer.getByte(innerIp + Ipv6Header.NEXT_HEADER_OFFSET) & 0xff;
        int innerL4 = innerIp + Ipv6Header.LENGTH;
        if ((innerProtocol == PROTO_TCP || innerProtocol == PROTO_UDP) && innerL4 + 4 <= end) {
            buffer.putShort(innerL4 + innerPortField, (short) port, NET);
        }
        int length = end - icmp;
        buffer.putShort(icmp + Icmpv6Header.CHECKSUM_OFFSET, (short) 0, NET);
        int check = Checksum.transport(buffer, icmp, length,
            Checksum.pseudoHeaderV6(buffer, ip + Nat6Rewrite.SRC, ip + Nat6Rewrite.DST, Icmpv6Header.PROTOCOL, length));
        buffer.putShort(icmp + Icmpv6Header.CHECKSUM_OFFSET, (short) check, NET);
    }
}
