package lvs.packet;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071): full sums over buffer ranges, IPv4/IPv6 pseudo-headers, and
 * incremental updates (RFC 1624, equation 3: {@code HC' = ~(~HC + ~m + m')}) for 16-, 32- and 128-bit
 * field changes.
 *
 * <p>Sums are carried unfolded in a {@code long} (a "partial sum") so several ranges can be added
 * before one {@link #fold}; the one's-complement sum does not depend on word size, so the range sum
 * reads 8 bytes at a time. Values stored in headers are 16-bit ints in wire order (0..0xFFFF).
 *
 * <p>Two kinds of checksum fields exist: a <em>final</em> field holds {@code ~fold(sum)}; a
 * <em>partial</em> field (CHECKSUM_PARTIAL frames from virtual NICs, {@code virtio_net_hdr} flag
 * NEEDS_CSUM) holds only {@code fold(pseudo-header)}, not complemented, for the NIC or kernel to finish.
 * Rewriting an address in a partial frame must use the {@code partial*} updates.
 */
public final class Checksum {
    private Checksum() {
    }

    /** Unfolded sum of {@code length} bytes at {@code offset} (an odd last byte is padded with zero), plus {@code initial}. */
    public static long sum(DirectBuffer buffer, int offset, int length, long initial) {
        long acc = initial;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long w = buffer.getLong(i, ByteOrder.BIG_ENDIAN);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        if (i + 4 <= end) {
            acc += buffer.getInt(i, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (i + 2 <= end) {
            acc += buffer.getShort(i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            acc += (buffer.getByte(i) & 0xFF) << 8;
        }
        return acc;
    }

    /** Folds a partial sum to 16 bits with end-around carry (not complemented). */
    public static int fold(long sum) {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The value to store in a checksum field for data whose partial sum is {@code sum}. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** Checksum of a buffer range, ready to store; the range's own checksum field must be zero. */
    public static int compute(DirectBuffer buffer, int offset, int length) {
        return finish(sum(buffer, offset, length, 0));
    }

    /** True when a range that includes its checksum field verifies (sums to 0xFFFF). */
    public static boolean verifies(DirectBuffer buffer, int offset, int length, long initial) {
        return fold(sum(buffer, offset, length, initial)) == 0xFFFF;
    }

    /**
     * Partial sum of the IPv4 pseudo-header (RFC 793/768): source, destination, zero, protocol and
     * transport length.
     */
    public static long pseudoHeaderV4(int srcAddress, int dstAddress, int protocol, int l4Length) {
        return (srcAddress & 0xFFFF_FFFFL) + (dstAddress & 0xFFFF_FFFFL) + protocol + l4Length;
    }

    /**
     * Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1) with the 16-byte addresses read from the
     * buffer at {@code srcOffset} and {@code dstOffset} (normally the IPv6 header's own fields).
     */
    public static long pseudoHeaderV6(DirectBuffer buffer, int srcOffset, int dstOffset, int protocol, int l4Length) {
        return sum(buffer, srcOffset, 16, 0) + sum(buffer, dstOffset, 16, 0) + protocol + (l4Length & 0xFFFF_FFFFL);
    }

    /** Partial sum of an IPv6 pseudo-header given addresses as hi/lo longs (see {@link FlowKey}). */
    public static long pseudoHeaderV6(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int l4Length) {
        return sum128(srcHi, srcLo) + sum128(dstHi, dstLo) + protocol + (l4Length & 0xFFFF_FFFFL);
    }

    /**
     * TCP/UDP/ICMPv6 checksum over {@code l4Length} bytes at {@code l4Offset} plus a pseudo-header sum;
     * the field itself must be zero. For UDP, map a result of 0 to 0xFFFF with {@link #udpNonZero}.
     */
    public static int transport(DirectBuffer buffer, int l4Offset, int l4Length, long pseudoHeaderSum) {
        return finish(sum(buffer, l4Offset, l4Length, pseudoHeaderSum));
    }

    /** UDP transmits a computed zero as 0xFFFF, since 0 means "no checksum" (RFC 768). */
    public static int udpNonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    // ---- RFC 1624 incremental updates of a final checksum field ----

    /** New checksum after a 16-bit field changed from {@code oldValue} to {@code newValue}. */
    public static int update16(int checksum, int oldValue, int newValue) {
        long s = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /** New checksum after a 32-bit field (an IPv4 address, say) changed. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long s = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF_FFFFL) + (newValue & 0xFFFF_FFFFL);
        return ~fold(s) & 0xFFFF;
    }

    /** New checksum after a 128-bit field (an IPv6 address) changed. */
    public static int update128(int checksum, long oldHi, long oldLo, long newHi, long newLo) {
        long s = (~checksum & 0xFFFF) + sum128(~oldHi, ~oldLo) + sum128(newHi, newLo);
        return ~fold(s) & 0xFFFF;
    }

    // ---- the same for a partial (pseudo-header only, not complemented) field ----

    /** A partial checksum field after a 16-bit pseudo-header input (the length) changed. */
    public static int partialUpdate16(int partial, int oldValue, int newValue) {
        return fold((partial & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF));
    }

    /** A partial checksum field after an IPv4 address changed. */
    public static int partialUpdate32(int partial, int oldValue, int newValue) {
        return fold((partial & 0xFFFF) + (~oldValue & 0xFFFF_FFFFL) + (newValue & 0xFFFF_FFFFL));
    }

    /** A partial checksum field after an IPv6 address changed. */
    public static int partialUpdate128(int partial, long oldHi, long oldLo, long newHi, long newLo) {
        return fold((partial & 0xFFFF) + sum128(~oldHi, ~oldLo) + sum128(newHi, newLo));
    }

    private static long sum128(long hi, long lo) {
        return (hi >>> 32) + (hi & 0xFFFF_FFFFL) + (lo >>> 32) + (lo & 0xFFFF_FFFFL);
    }
}
