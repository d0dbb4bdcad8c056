package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826), 28 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Hardware type (1)          |     Protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HW len (6)   | Proto len (4) |   Operation (1 req, 2 reply)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Sender hardware address (6)                  |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender protocol address (4)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                  Target hardware address (6)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Target protocol address (4)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpPacket extends HeaderFlyweight {
    public static final int LENGTH = 28;
    public static final int HARDWARE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private static final int HTYPE = 0;
    private static final int PTYPE = 2;
    private static final int HLEN = 4;
    private static final int PLEN = 5;
    private static final int OPER = 6;
    private static final int SHA = 8;
    private static final int SPA = 14;
    private static final int THA = 18;
    private static final int TPA = 24;

    public ArpPacket wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    /** True for Ethernet/IPv4 ARP with the right address lengths and room for all 28 bytes. */
    public boolean isEthernetIpv4() {
        return length >= LENGTH && u16(HTYPE) == HARDWARE_ETHERNET && u16(PTYPE) == EthernetFrame.TYPE_IPV4
            && u8(HLEN) == 6 && u8(PLEN) == 4;
    }

    /** Writes the fixed Ethernet/IPv4 preamble (types and lengths) and the operation. */
    public ArpPacket init(int operation) {
        u16(HTYPE, HARDWARE_ETHERNET);
        u16(PTYPE, EthernetFrame.TYPE_IPV4);
        u8(HLEN, 6);
        u8(PLEN, 4);
        u16(OPER, operation);
        return this;
    }

    public int operation() {
        return u16(OPER);
    }

    public long senderMac() {
        return mac(SHA);
    }

    public ArpPacket senderMac(long mac) {
        mac(SHA, mac);
        return this;
    }

    public int senderIp() {
        return i32(SPA);
    }

    public ArpPacket senderIp(int ip) {
        i32(SPA, ip);
        return this;
    }

    public long targetMac() {
        return mac(THA);
    }

    public ArpPacket targetMac(long mac) {
        mac(THA, mac);
        return this;
    }

    public int targetIp() {
        return i32(TPA);
    }

    public ArpPacket targetIp(int ip) {
        i32(TPA, ip);
        return this;
    }
}
