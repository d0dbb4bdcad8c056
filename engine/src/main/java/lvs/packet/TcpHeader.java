package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * A TCP header (RFC 9293), 20 to 60 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpHeader extends HeaderFlyweight {
    public static final int MIN_LENGTH = 20;
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public TcpHeader wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    public int sourcePort() {
        return u16(SOURCE_PORT_OFFSET);
    }

    public TcpHeader sourcePort(int port) {
        u16(SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return u16(DESTINATION_PORT_OFFSET);
    }

    public TcpHeader destinationPort(int port) {
        u16(DESTINATION_PORT_OFFSET, port);
        return this;
    }

    public int sequence() {
        return i32(SEQUENCE_OFFSET);
    }

    public TcpHeader sequence(int seq) {
        i32(SEQUENCE_OFFSET, seq);
        return this;
    }

    public int acknowledgment() {
        return i32(ACK_OFFSET);
    }

    public TcpHeader acknowledgment(int ack) {
        i32(ACK_OFFSET, ack);
        return this;
    }

    /** Header length in bytes, from the data offset nibble. */
    public int headerLength() {
        return (u8(DATA_OFFSET_OFFSET) >>> 4) << 2;
    }

    /** Sets the data offset from a header length in bytes (a multiple of 4). */
    public TcpHeader headerLength(int bytes) {
        u8(DATA_OFFSET_OFFSET, (bytes >>> 2) << 4);
        return this;
    }

    public int flags() {
        return u8(FLAGS_OFFSET);
    }

    public TcpHeader flags(int flags) {
        u8(FLAGS_OFFSET, flags);
        return this;
    }

    public int window() {
        return u16(WINDOW_OFFSET);
    }

    public TcpHeader window(int window) {
        u16(WINDOW_OFFSET, window);
        return this;
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public TcpHeader checksum(int checksum) {
        u16(CHECKSUM_OFFSET, checksum);
        return this;
    }

    public int urgentPointer() {
        return u16(URGENT_OFFSET);
    }

    public TcpHeader urgentPointer(int pointer) {
        u16(URGENT_OFFSET, pointer);
        return this;
    }

    /** Recomputes the checksum over {@code segmentLength} bytes given the IP layer's pseudo-header sum. */
    public TcpHeader updateChecksum(long pseudoHeaderSum, int segmentLength) {
        checksum(0);
        checksum(Checksum.transport(buffer, offset, segmentLength, pseudoHeaderSum));
        return this;
    }
}
