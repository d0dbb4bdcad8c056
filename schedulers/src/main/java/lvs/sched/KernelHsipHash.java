package lvs.sched;

/**
 * The kernel's {@code hsiphash()} of one 4-byte value on a 64-bit kernel, which is SipHash-1-3 (not real
 * HalfSipHash) with the 64-bit key words {@code k0 = k1 = key}, returning the low 32 bits of
 * {@code v0 ^ v1 ^ v2 ^ v3}. The 4 bytes are read little-endian, as on x86 and arm64, so the message word is
 * simply the value. The keyed initial state is computed once per key, which keeps a hash to four rounds.
 */
final class KernelHsipHash {
    private final long initial0;
    private final long initial1;
    private final long initial2;
    private final long initial3;

    KernelHsipHash(long key) {
        // The standard SipHash constants ("somepseudorandomlygeneratedbytes"), xored with the key words.
        initial0 = 0x736f6d6570736575L ^ key;
        initial1 = 0x646f72616e646f6dL ^ key;
        initial2 = 0x6c7967656e657261L ^ key;
        initial3 = 0x7465646279746573L ^ key;
    }

    /** {@code hsiphash(&value, 4, key)}, as an unsigned 32-bit result held in an int. */
    int hash(int value) {
        long v0 = initial0;
        long v1 = initial1;
        long v2 = initial2;
        long v3 = initial3;
        long block = (4L << 56) | (value & 0xffffffffL); // length in the top byte, message below
        v3 ^= block;
        // One compression round (the "1" of SipHash-1-3).
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= block;
        v2 ^= 0xff;
        // Three finalisation rounds (the "3").
        for (int round = 0; round < 3; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) (v0 ^ v1 ^ v2 ^ v3);
    }
}
