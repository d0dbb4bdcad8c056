package lvs.fwd.nat;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The Internet checksum arithmetic NAT needs (RFC 1071 sums, RFC 1624 incremental updates), on
 * 16-bit values held in ints. Pure functions: no state, no allocation.
 */
final class OnesComplement {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private OnesComplement() {
    }

    /** Folds a 32-bit-or-wider running sum to 16 bits (end-around carry). */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * A checksum field after one 16-bit word it covers changed from {@code oldWord} to {@code newWord}:
     * RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}.
     */
    static int replace16(int check, int oldWord, int newWord) {
        return ~fold((~check & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
    }

    /** As {@link #replace16} for a 32-bit value (an IPv4 address) the checksum covers. */
    static int replace32(int check, int oldValue, int newValue) {
        return ~fold((~check & 0xffff)
            + (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff)
            + (newValue >>> 16 & 0xffff) + (newValue & 0xffff)) & 0xffff;
    }

    /**
     * A CHECKSUM_PARTIAL field (it holds the uncomplemented pseudo-header sum; the sender's NIC, here
     * the kernel on our transmit, adds the payload) after a pseudo-header address changed.
     */
    static int replacePseudo32(int partial, int oldValue, int newValue) {
        return fold((partial & 0xffff)
            + (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff)
            + (newValue >>> 16 & 0xffff) + (newValue & 0xffff));
    }

    /** The uncomplemented sum of {@code length} bytes at {@code offset} (odd length padded with zero). */
    static long sum(DirectBuffer buffer, int offset, int length) {
        long sum = 0;
        int end = offset + (length & ~1);
        for (int i = offset; i < end; i += 2) {
            sum += buffer.getShort(i, NET) & 0xffff;
        }
        if ((length & 1) != 0) {
            sum += (buffer.getByte(offset + length - 1) & 0xff) << 8;
        }
        return sum;
    }
}
