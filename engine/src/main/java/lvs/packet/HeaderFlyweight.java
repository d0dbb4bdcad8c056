package lvs.packet;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * Common state of the header flyweights: the wrapped buffer, the header's offset in it and the bytes
 * available from there to the end of the frame. Subclasses only add named, big-endian field accessors;
 * bounds are the caller's business ({@link PacketParser} validates before anyone wraps).
 */
abstract class HeaderFlyweight {
    static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;

    MutableDirectBuffer buffer;
    int offset;
    int length;

    /** Points this flyweight at {@code length} bytes of {@code buffer} starting at {@code offset}. */
    final void wrapRange(MutableDirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /** The wrapped buffer. */
    public final MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Index of the header in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }

    /** Bytes available from {@link #offset()} to the end of the frame. */
    public final int capacity() {
        return length;
    }

    final int u8(int field) {
        return buffer.getByte(offset + field) & 0xFF;
    }

    final void u8(int field, int value) {
        buffer.putByte(offset + field, (byte) value);
    }

    final int u16(int field) {
        return buffer.getShort(offset + field, NETWORK) & 0xFFFF;
    }

    final void u16(int field, int value) {
        buffer.putShort(offset + field, (short) value, NETWORK);
    }

    final int i32(int field) {
        return buffer.getInt(offset + field, NETWORK);
    }

    final void i32(int field, int value) {
        buffer.putInt(offset + field, value, NETWORK);
    }

    final long i64(int field) {
        return buffer.getLong(offset + field, NETWORK);
    }

    final void i64(int field, long value) {
        buffer.putLong(offset + field, value, NETWORK);
    }

    /** A 48-bit MAC address as the low bits of a long (02:00:00:00:01:01 is 0x0200_0000_0101L). */
    final long mac(int field) {
        return ((long) u16(field) << 32) | (i32(field + 2) & 0xFFFF_FFFFL);
    }

    final void mac(int field, long mac) {
        u16(field, (int) (mac >>> 32));
        i32(field + 2, (int) mac);
    }
}
