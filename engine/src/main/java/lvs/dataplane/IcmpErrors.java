package lvs.dataplane;

import java.nio.ByteOrder;
import lvs.packet.Checksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ICMP and ICMPv6 errors the director itself sends (fragmentation needed, time exceeded, packet too
 * big), written as the kernel's {@code icmp_send} / {@code icmp6_send} write them, into a caller's
 * buffer as a whole Ethernet frame. Rate limiting is the caller's ({@link IcmpRateLimit}). No allocation.
 */
public final class IcmpErrors {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    public static final int ETH = 14;
    private static final int IP = 20;
    private static final int IP6 = 40;
    private static final int ICMP = 8;
    /** icmp_send keeps the error within the minimum reassembly size (576). */
    private static final int MAX_ERROR_LENGTH = 576;
    /** icmp6_send keeps the error within the IPv6 minimum MTU (1280). */
    private static final int MAX_ERROR_LENGTH6 = 1280;
    private static final int TTL = 64;
    private static final int HOP_LIMIT = 64;
    private static final int IPTOS_PREC_INTERNETCONTROL = 0xC0;
    private static final int IPTOS_TOS_MASK = 0x1E;
    private static final int ICMPV6 = 58;

    public static final int ICMP_DEST_UNREACH = 3;
    public static final int ICMP_FRAG_NEEDED = 4;
    public static final int ICMP_TIME_EXCEEDED = 11;
    public static final int ICMP_EXC_TTL = 0;
    public static final int ICMPV6_PKT_TOOBIG = 2;
    public static final int ICMPV6_TIME_EXCEED = 3;
    public static final int ICMPV6_EXC_HOPLIMIT = 0;
    /** Largest frame {@link #writeIpv4} or {@link #writeIpv6} writes. */
    public static final int MAX_FRAME = ETH + MAX_ERROR_LENGTH6;

    private IcmpErrors() {
    }

    /**
     * An ICMP error about the IPv4 packet at {@code ip} in {@code packet}, to its source: TOS
     * {@code 0xC0 | (tos & 0x1E)}, TTL 64, no DF, the 32-bit rest-of-header word {@code rest}, then as
     * much of the packet as fits in 576 bytes. Written at 0 in {@code out}; returns the frame length.
     */
    public static int writeIpv4(MutableDirectBuffer out, long destinationMac, long sourceMac, DirectBuffer packet,
                                int ip, int ipLength, int type, int code, int rest, int id, int source) {
        int quote = Math.min(ipLength, MAX_ERROR_LENGTH - IP - ICMP);
        int client = packet.getInt(ip + 12, NET);
        int tos = IPTOS_PREC_INTERNETCONTROL | (packet.getByte(ip + 1) & IPTOS_TOS_MASK);
        writeMac(out, 0, destinationMac);
        writeMac(out, 6, sourceMac);
        out.putShort(12, (short) 0x0800, NET);
        int h = ETH;
        out.putByte(h, (byte) 0x45);
        out.putByte(h + 1, (byte) tos);
        out.putShort(h + 2, (short) (IP + ICMP + quote), NET);
        out.putShort(h + 4, (short) id, NET);
        out.putShort(h + 6, (short) 0);
        out.putByte(h + 8, (byte) TTL);
        out.putByte(h + 9, (byte) 1);
        out.putShort(h + 10, (short) 0);
        out.putInt(h + 12, source, NET);
        out.putInt(h + 16, client, NET);
        out.putShort(h + 10, (short) Checksum.compute(out, h, IP), NET);
        int icmp = ETH + IP;
        out.putByte(icmp, (byte) type);
        out.putByte(icmp + 1, (byte) code);
        out.putShort(icmp + 2, (short) 0);
        out.putInt(icmp + 4, rest, NET);
        out.putBytes(icmp + ICMP, packet, ip, quote);
        out.putShort(icmp + 2, (short) Checksum.compute(out, icmp, ICMP + quote), NET);
        return icmp + ICMP + quote;
    }

    /**
     * An ICMPv6 error about the IPv6 packet at {@code ip}, to its source, from {@code (srcHi, srcLo)}:
     * traffic class 0, flow label 0, hop limit 64, the 32-bit word {@code rest} (the MTU for packet too
     * big), then as much of the packet as fits in 1280 bytes. Returns the frame length.
     */
    public static int writeIpv6(MutableDirectBuffer out, long destinationMac, long sourceMac, DirectBuffer packet,
                                int ip, int ipLength, int type, int code, int rest, long srcHi, long srcLo) {
        int quote = Math.min(ipLength, MAX_ERROR_LENGTH6 - IP6 - ICMP);
        long dstHi = packet.getLong(ip + 8, NET);
        long dstLo = packet.getLong(ip + 16, NET);
        writeMac(out, 0, destinationMac);
        writeMac(out, 6, sourceMac);
        out.putShort(12, (short) 0x86DD, NET);
        int h = ETH;
        out.putInt(h, 6 << 28, NET);
        out.putShort(h + 4, (short) (ICMP + quote), NET);
        out.putByte(h + 6, (byte) ICMPV6);
        out.putByte(h + 7, (byte) HOP_LIMIT);
        out.putLong(h + 8, srcHi, NET);
        out.putLong(h + 16, srcLo, NET);
        out.putLong(h + 24, dstHi, NET);
        out.putLong(h + 32, dstLo, NET);
        int icmp = ETH + IP6;
        out.putByte(icmp, (byte) type);
        out.putByte(icmp + 1, (byte) code);
        out.putShort(icmp + 2, (short) 0);
        out.putInt(icmp + 4, rest, NET);
        out.putBytes(icmp + ICMP, packet, ip, quote);
        out.putShort(icmp + 2, (short) Checksum.transport(out, icmp, ICMP + quote,
            Checksum.pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, ICMPV6, ICMP + quote)), NET);
        return icmp + ICMP + quote;
    }

    private static void writeMac(MutableDirectBuffer b, int at, long mac) {
        b.putShort(at, (short) (mac >>> 32), NET);
        b.putInt(at + 2, (int) mac, NET);
    }
}
