package lvs.fwd.nat;

import java.nio.ByteOrder;
import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * The byte-level edits of masquerading (the kernel's {@code ip_vs_nat_xmit} and
 * {@code handle_response}), on an IPv4 packet in place. Offsets are absolute in {@code buffer}:
 * {@code ip} is the IPv4 header, {@code l4} the TCP/UDP header. Checksums are updated
 * incrementally (RFC 1624), never recomputed over the payload, except for a UDP checksum of 0,
 * which the kernel replaces by a real one. No allocation.
 */
public final class NatRewrite {
    static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    static final int IP_TTL = 8;
    static final int IP_CHECK = 10;
    static final int IP_SRC = 12;
    static final int IP_DST = 16;
    static final int TCP_CHECK = 16;
    static final int UDP_LEN = 4;
    static final int UDP_CHECK = 6;

    private NatRewrite() {
    }

    /** Request direction (client → real server): destination address and port := the real server's. */
    public static void rewriteDestination(MutableDirectBuffer buffer, int ip, int l4, int protocol,
                                          int newAddress, int newPort, boolean checksumPartial) {
        rewrite(buffer, ip, l4, protocol, IP_DST, 2, newAddress, newPort, checksumPartial);
    }

    /** Reply direction (real server → client): source address and port := VIP and virtual port. */
    public static void rewriteSource(MutableDirectBuffer buffer, int ip, int l4, int protocol,
                                     int newAddress, int newPort, boolean checksumPartial) {
        rewrite(buffer, ip, l4, protocol, IP_SRC, 0, newAddress, newPort, checksumPartial);
    }

    /**
     * Decrements the TTL as forwarding does, fixing the header checksum.
     *
     * @return false, leaving the packet unchanged, when TTL ≤ 1: the packet must be dropped
     */
    public static boolean decrementTtl(MutableDirectBuffer buffer, int ip) {
        int ttl = buffer.getByte(ip + IP_TTL) & 0xff;
        if (ttl <= 1) {
            return false;
        }
        int protocol = buffer.getByte(ip + IP_TTL + 1) & 0xff;
        buffer.putByte(ip + IP_TTL, (byte) (ttl - 1));
        int check = buffer.getShort(ip + IP_CHECK, NET) & 0xffff;
        check = Checksum.update16(check, ttl << 8 | protocol, (ttl - 1) << 8 | protocol);
        buffer.putShort(ip + IP_CHECK, (short) check, NET);
        return true;
    }

    private static void rewrite(MutableDirectBuffer buffer, int ip, int l4, int protocol, int addressField,
                                int portField, int newAddress, int newPort, boolean checksumPartial) {
        int oldAddress = buffer.getInt(ip + addressField, NET);
        int oldPort = buffer.getShort(l4 + portField, NET) & 0xffff;
        buffer.putInt(ip + addressField, newAddress, NET);
        int ipCheck = buffer.getShort(ip + IP_CHECK, NET) & 0xffff;
        buffer.putShort(ip + IP_CHECK, (short) Checksum.update32(ipCheck, oldAddress, newAddress), NET);
        if (protocol != PROTO_TCP && protocol != PROTO_UDP) {
            return;
        }
        buffer.putShort(l4 + portField, (short) newPort, NET);
        int checkAt = l4 + (protocol == PROTO_TCP ? TCP_CHECK : UDP_CHECK);
        int check = buffer.getShort(checkAt, NET) & 0xffff;
        if (checksumPartial) {
            // The field holds only the pseudo-header sum; the port is summed when the kernel completes it.
            check = Checksum.partialUpdate32(check, oldAddress, newAddress);
        } else if (protocol == PROTO_UDP && check == 0) {
            // "No checksum" UDP leaves NAT with a real checksum, as in the kernel.
            buffer.putShort(checkAt, (short) 0, NET);
            check = udpChecksum(buffer, ip, l4);
        } else {
            check = Checksum.update32(check, oldAddress, newAddress);
            check = Checksum.update16(check, oldPort, newPort);
            if (protocol == PROTO_UDP && check == 0) {
                check = 0xffff; // 0 would mean "no checksum"
            }
        }
        buffer.putShort(checkAt, (short) check, NET);
    }

    /** The full UDP checksum of the datagram at {@code l4} (its checksum field must be 0). */
    static int udpChecksum(MutableDirectBuffer buffer, int ip, int l4) {
        int udpLength = buffer.getShort(l4 + UDP_LEN, NET) & 0xffff;
        long pseudo = Checksum.pseudoHeaderV4(buffer.getInt(ip + IP_SRC, NET), buffer.getInt(ip + IP_DST, NET),
            PROTO_UDP, udpLength);
        return Checksum.udpNonZero(Checksum.transport(buffer, l4, udpLength, pseudo));
    }
}
