package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * The fixed IPv6 header (RFC 8200), 40 bytes; extension headers are walked by {@link PacketParser}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Source Address (16 bytes)                    +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                Destination Address (16 bytes)                 +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Addresses are read as two longs, {@code hi} = bytes 0..7 and {@code lo} = bytes 8..15.
 */
public final class Ipv6Header extends HeaderFlyweight {
    public static final int LENGTH = 40;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;

    public static final int NH_HOP_BY_HOP = 0;
    public static final int NH_ROUTING = 43;
    public static final int NH_FRAGMENT = 44;
    public static final int NH_ESP = 50;
    public static final int NH_AH = 51;
    public static final int NH_NONE = 59;
    public static final int NH_DESTINATION_OPTIONS = 60;

    public Ipv6Header wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    public int version() {
        return u8(0) >>> 4;
    }

    public int trafficClass() {
        return (u16(0) >>> 4) & 0xFF;
    }

    public int flowLabel() {
        return i32(0) & 0xF_FFFF;
    }

    /** Writes version 6, the traffic class and the flow label. */
    public Ipv6Header versionClassLabel(int trafficClass, int flowLabel) {
        i32(0, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xF_FFFF));
        return this;
    }

    public int payloadLength() {
        return u16(PAYLOAD_LENGTH_OFFSET);
    }

    public Ipv6Header payloadLength(int length) {
        u16(PAYLOAD_LENGTH_OFFSET, length);
        return this;
    }

    public int nextHeader() {
        return u8(NEXT_HEADER_OFFSET);
    }

    public Ipv6Header nextHeader(int nextHeader) {
        u8(NEXT_HEADER_OFFSET, nextHeader);
        return this;
    }

    public int hopLimit() {
        return u8(HOP_LIMIT_OFFSET);
    }

    public Ipv6Header hopLimit(int hopLimit) {
        u8(HOP_LIMIT_OFFSET, hopLimit);
        return this;
    }

    public long sourceHi() {
        return i64(SOURCE_OFFSET);
    }

    public long sourceLo() {
        return i64(SOURCE_OFFSET + 8);
    }

    public Ipv6Header source(long hi, long lo) {
        i64(SOURCE_OFFSET, hi);
        i64(SOURCE_OFFSET + 8, lo);
        return this;
    }

    public long destinationHi() {
        return i64(DESTINATION_OFFSET);
    }

    public long destinationLo() {
        return i64(DESTINATION_OFFSET + 8);
    }

    public Ipv6Header destination(long hi, long lo) {
        i64(DESTINATION_OFFSET, hi);
        i64(DESTINATION_OFFSET + 8, lo);
        return this;
    }

    /** Partial sum of the upper-layer pseudo-header for {@code protocol} and {@code l4Length} bytes. */
    public long pseudoHeaderSum(int protocol, int l4Length) {
        return Checksum.pseudoHeaderV6(buffer, offset + SOURCE_OFFSET, offset + DESTINATION_OFFSET, protocol, l4Length);
    }
}
