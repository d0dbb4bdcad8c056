package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * An ICMPv6 header (RFC 4443). Types below 128 are errors that quote the offending packet after the
 * 8-byte header; the checksum covers the IPv6 pseudo-header (next header 58) and the whole message.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Message body: MTU (Packet Too Big), pointer, id+seq    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Icmpv6Header extends HeaderFlyweight {
    public static final int LENGTH = 8;
    public static final int PROTOCOL = 58;
    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int CHECKSUM_OFFSET = 2;

    public Icmpv6Header wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    /** ICMPv6 errors are the types below 128 (RFC 4443 §2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    public int type() {
        return u8(0);
    }

    public Icmpv6Header type(int type) {
        u8(0, type);
        return this;
    }

    public int code() {
        return u8(1);
    }

    public Icmpv6Header code(int code) {
        u8(1, code);
        return this;
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public Icmpv6Header checksum(int checksum) {
        u16(CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Bytes 4..7: the MTU of Packet Too Big, the pointer of Parameter Problem, or echo id+sequence. */
    public int body() {
        return i32(4);
    }

    public Icmpv6Header body(int value) {
        i32(4, value);
        return this;
    }

    /** Recomputes the checksum over {@code messageLength} bytes with the IPv6 pseudo-header sum given. */
    public Icmpv6Header updateChecksum(long pseudoHeaderSum, int messageLength) {
        checksum(0);
        checksum(Checksum.transport(buffer, offset, messageLength, pseudoHeaderSum));
        return this;
    }
}
