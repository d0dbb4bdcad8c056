package lvs.fwd.nat;

import static lvs.fwd.nat.NatRewrite.IP_CHECK;
import static lvs.fwd.nat.NatRewrite.IP_DST;
import static lvs.fwd.nat.NatRewrite.IP_SRC;
import static lvs.fwd.nat.NatRewrite.NET;
import static lvs.fwd.nat.NatRewrite.PROTO_TCP;
import static lvs.fwd.nat.NatRewrite.PROTO_UDP;

import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * Translation of an ICMP error (destination unreachable, source quench, time exceeded) that belongs
 * to a NAT connection, as the kernel's {@code ip_vs_nat_icmp} does: the outer address, the embedded
 * header's address and the embedded port are rewritten, both IP header checksums recomputed, and the
 * ICMP checksum recomputed over the whole message. The embedded transport checksum is left alone
 * (the kernel does not fix it either; the quoted segment is usually truncated anyway).
 *
 * <p>Offsets are absolute: {@code ip} the outer IPv4 header, {@code icmp} the ICMP header,
 * {@code innerIp} the embedded IPv4 header; {@code end} is one past the outer packet's last byte.
 */
public final class IcmpErrorRewrite {
    private static final int ICMP_CHECK = 2;

    private IcmpErrorRewrite() {
    }

    /** An error from a real server about a client's packet: it must look as if the VIP sent it. */
    public static void fromRealServer(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                      int virtualAddress, int virtualPort) {
        translate(buffer, ip, icmp, innerIp, end, IP_SRC, IP_DST, 2, virtualAddress, virtualPort);
    }

    /** An error from the client side about a reply we sent from the VIP: it goes to the real server. */
    public static void toRealServer(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                    int realAddress, int realPort) {
        translate(buffer, ip, icmp, innerIp, end, IP_DST, IP_SRC, 0, realAddress, realPort);
    }

    private static void translate(MutableDirectBuffer buffer, int ip, int icmp, int innerIp, int end,
                                  int outerField, int innerField, int innerPortField, int address, int port) {
        buffer.putInt(ip + outerField, address, NET);
        putIpHeaderChecksum(buffer, ip);
        buffer.putInt(innerIp + innerField, address, NET);
        putIpHeaderChecksum(buffer, innerIp);
        int innerProtocol = buffer.getByte(innerIp + 9) & 0xff;
        int innerL4 = innerIp + (buffer.getByte(innerIp) & 0x0f) * 4;
        if ((innerProtocol == PROTO_TCP || innerProtocol == PROTO_UDP) && innerL4 + 4 <= end) {
            buffer.putShort(innerL4 + innerPortField, (short) port, NET);
        }
        buffer.putShort(icmp + ICMP_CHECK, (short) 0, NET);
        int check = Checksum.compute(buffer, icmp, end - icmp);
        buffer.putShort(icmp + ICMP_CHECK, (short) check, NET);
    }

    /** Recomputes the header checksum of the IPv4 header at {@code ip}. */
    static void putIpHeaderChecksum(MutableDirectBuffer buffer, int ip) {
        int headerLength = (buffer.getByte(ip) & 0x0f) * 4;
        buffer.putShort(ip + IP_CHECK, (short) 0, NET);
        int check = Checksum.compute(buffer, ip, headerLength);
        buffer.putShort(ip + IP_CHECK, (short) check, NET);
    }
}
