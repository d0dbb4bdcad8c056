package lvs.fwd.tun;

import java.nio.ByteOrder;
import lvs.dataplane.Egress;
import lvs.packet.Checksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ICMP "fragmentation needed" (type 3 code 4) the director sends a client whose DF packet no longer
 * fits once encapsulated, as the kernel's {@code icmp_send} writes it: from the address the client
 * sent to (the VIP, local to the director), TOS {@code 0xC0 | (tos & 0x1E)}, TTL 64, no DF, the next-hop
 * MTU in the low half of the rest-of-header word, then as much of the client's packet as fits in 576
 * bytes. The frame goes back out of the interface the packet came in on, to the MAC it came from.
 */
final class FragmentationNeeded {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    static final int ETH = 14;
    /** icmp_send keeps the error within the minimum reassembly size. */
    private static final int MAX_ERROR_LENGTH = 576;
    private static final int IP = 20;
    private static final int ICMP = 8;
    private static final int TTL = 64;
    private static final int IPTOS_PREC_INTERNETCONTROL = 0xC0;
    private static final int IPTOS_TOS_MASK = 0x1E;

    private FragmentationNeeded() {
    }

    /**
     * Writes the Ethernet frame into {@code out} at 0 and returns its length.
     *
     * @param packet the client's IPv4 packet (as it would have been forwarded: TTL already decremented)
     */
    static int write(MutableDirectBuffer out, DirectBuffer packet, int ip, int ipLength, int mtu, int id,
                     Egress egress) {
        int quote = Math.min(ipLength, MAX_ERROR_LENGTH - IP - ICMP);
        int client = packet.getInt(ip + 12, NET);
        int local = packet.getInt(ip + 16, NET);
        int tos = IPTOS_PREC_INTERNETCONTROL | (packet.getByte(ip + 1) & IPTOS_TOS_MASK);
        writeMac(out, 0, egress.replyDestinationMac);
        writeMac(out, 6, egress.replySourceMac);
        out.putShort(12, (short) 0x0800, NET);
        TunnelHeaders.writeOuterIpv4(out, ETH, tos, IP + ICMP + quote, id, false, TTL, 1, local, client);
        int icmp = ETH + IP;
        out.putByte(icmp, (byte) 3);
        out.putByte(icmp + 1, (byte) 4);
        out.putShort(icmp + 2, (short) 0);
        out.putShort(icmp + 4, (short) 0);
        out.putShort(icmp + 6, (short) mtu, NET);
        out.putBytes(icmp + ICMP, packet, ip, quote);
        out.putShort(icmp + 2, (short) Checksum.compute(out, icmp, ICMP + quote), NET);
        return icmp + ICMP + quote;
    }

    private static void writeMac(MutableDirectBuffer b, int at, long mac) {
        b.putShort(at, (short) (mac >>> 32), NET);
        b.putInt(at + 2, (int) mac, NET);
    }
}
