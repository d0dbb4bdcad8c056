package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * An IPv4 header (RFC 791), 20 to 60 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|     Fragment Offset     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)          |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Addresses are host-order ints (198.18.0.1 is {@code 0xC6120001}).
 */
public final class Ipv4Header extends HeaderFlyweight {
    public static final int MIN_LENGTH = 20;
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public Ipv4Header wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    public int version() {
        return u8(VERSION_IHL_OFFSET) >>> 4;
    }

    /** Header length in 32-bit words. */
    public int ihl() {
        return u8(VERSION_IHL_OFFSET) & 0x0F;
    }

    /** Header length in bytes: {@code ihl() * 4}. */
    public int headerLength() {
        return ihl() << 2;
    }

    /** Sets version 4 and the header length in bytes (a multiple of 4). */
    public Ipv4Header versionAndHeaderLength(int headerLengthBytes) {
        u8(VERSION_IHL_OFFSET, 0x40 | (headerLengthBytes >>> 2));
        return this;
    }

    public int tos() {
        return u8(TOS_OFFSET);
    }

    public Ipv4Header tos(int tos) {
        u8(TOS_OFFSET, tos);
        return this;
    }

    public int totalLength() {
        return u16(TOTAL_LENGTH_OFFSET);
    }

    public Ipv4Header totalLength(int length) {
        u16(TOTAL_LENGTH_OFFSET, length);
        return this;
    }

    public int identification() {
        return u16(ID_OFFSET);
    }

    public Ipv4Header identification(int id) {
        u16(ID_OFFSET, id);
        return this;
    }

    /** The flags (DF 0x4000, MF 0x2000) and 13-bit fragment offset as one 16-bit word. */
    public int flagsAndFragmentOffset() {
        return u16(FLAGS_FRAGMENT_OFFSET);
    }

    public Ipv4Header flagsAndFragmentOffset(int value) {
        u16(FLAGS_FRAGMENT_OFFSET, value);
        return this;
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    /** True when this is one piece of a fragmented datagram (MF set or a non-zero offset). */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return u8(TTL_OFFSET);
    }

    public Ipv4Header ttl(int ttl) {
        u8(TTL_OFFSET, ttl);
        return this;
    }

    /**
     * Decrements the TTL and patches the header checksum incrementally (the TTL shares a 16-bit word
     * with the protocol). The caller checks TTL &gt; 1 first.
     */
    public Ipv4Header decrementTtl() {
        int oldWord = u16(TTL_OFFSET);
        int newWord = oldWord - 0x0100;
        u16(TTL_OFFSET, newWord);
        checksum(Checksum.update16(checksum(), oldWord, newWord));
        return this;
    }

    public int protocol() {
        return u8(PROTOCOL_OFFSET);
    }

    public Ipv4Header protocol(int protocol) {
        u8(PROTOCOL_OFFSET, protocol);
        return this;
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public Ipv4Header checksum(int checksum) {
        u16(CHECKSUM_OFFSET, checksum);
        return this;
    }

    public int source() {
        return i32(SOURCE_OFFSET);
    }

    public Ipv4Header source(int address) {
        i32(SOURCE_OFFSET, address);
        return this;
    }

    public int destination() {
        return i32(DESTINATION_OFFSET);
    }

    public Ipv4Header destination(int address) {
        i32(DESTINATION_OFFSET, address);
        return this;
    }

    /** Recomputes the header checksum from scratch over {@link #headerLength()} bytes. */
    public Ipv4Header updateChecksum() {
        checksum(0);
        checksum(Checksum.compute(buffer, offset, headerLength()));
        return this;
    }

    /** True when the header checksum verifies. */
    public boolean checksumValid() {
        return Checksum.verifies(buffer, offset, headerLength(), 0);
    }

    /** Partial sum of this packet's TCP/UDP pseudo-header for a transport segment of {@code l4Length} bytes. */
    public long pseudoHeaderSum(int l4Length) {
        return Checksum.pseudoHeaderV4(source(), destination(), protocol(), l4Length);
    }
}
