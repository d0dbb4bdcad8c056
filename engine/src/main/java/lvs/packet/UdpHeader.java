package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * A UDP header (RFC 768), 8 bytes. A checksum of 0 means "none" over IPv4 (and is illegal over IPv6).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UdpHeader extends HeaderFlyweight {
    public static final int LENGTH = 8;
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;

    public UdpHeader wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    public int sourcePort() {
        return u16(SOURCE_PORT_OFFSET);
    }

    public UdpHeader sourcePort(int port) {
        u16(SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return u16(DESTINATION_PORT_OFFSET);
    }

    public UdpHeader destinationPort(int port) {
        u16(DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** Header plus payload in bytes. */
    public int datagramLength() {
        return u16(LENGTH_OFFSET);
    }

    public UdpHeader datagramLength(int length) {
        u16(LENGTH_OFFSET, length);
        return this;
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public UdpHeader checksum(int checksum) {
        u16(CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Recomputes the checksum over the datagram; a computed 0 is sent as 0xFFFF. */
    public UdpHeader updateChecksum(long pseudoHeaderSum) {
        checksum(0);
        checksum(Checksum.udpNonZero(Checksum.transport(buffer, offset, datagramLength(), pseudoHeaderSum)));
        return this;
    }
}
