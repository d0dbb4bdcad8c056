package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * An ICMP header for IPv4 (RFC 792). Error messages (destination unreachable, source quench, redirect,
 * time exceeded, parameter problem) quote the offending packet's IP header plus at least 8 bytes
 * after the 8-byte ICMP header.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Rest of header: id+sequence (echo), unused+next-hop MTU (3/4) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Error messages: quoted IP header + first 8 bytes of data  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum covers the whole ICMP message with no pseudo-header.
 */
public final class IcmpHeader extends HeaderFlyweight {
    public static final int LENGTH = 8;
    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_TTL_EXCEEDED = 0;
    public static final int CHECKSUM_OFFSET = 2;

    public IcmpHeader wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    /** True for the types that quote an offending packet. */
    public static boolean isError(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
            || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    public int type() {
        return u8(0);
    }

    public IcmpHeader type(int type) {
        u8(0, type);
        return this;
    }

    public int code() {
        return u8(1);
    }

    public IcmpHeader code(int code) {
        u8(1, code);
        return this;
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public IcmpHeader checksum(int checksum) {
        u16(CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Bytes 4..7 as one word (echo id and sequence, or the unused/MTU word of errors). */
    public int restOfHeader() {
        return i32(4);
    }

    public IcmpHeader restOfHeader(int value) {
        i32(4, value);
        return this;
    }

    /** Echo identifier (bytes 4..5). */
    public int identifier() {
        return u16(4);
    }

    /** Next-hop MTU of a "fragmentation needed" message (bytes 6..7). */
    public int nextHopMtu() {
        return u16(6);
    }

    public IcmpHeader nextHopMtu(int mtu) {
        u16(4, 0);
        u16(6, mtu);
        return this;
    }

    /** Recomputes the checksum over {@code messageLength} bytes (header and data). */
    public IcmpHeader updateChecksum(int messageLength) {
        checksum(0);
        checksum(Checksum.compute(buffer, offset, messageLength));
        return this;
    }
}
