package lvs.conn;

/**
 * Seeded 64-bit hashing of connection keys. The seed enters first, so keys that collide for one table
 * do not collide for another: the kernel protects its table the same way with a random jhash seed.
 * This is a fast mixer, not a keyed PRF like SipHash; it raises the bar for hash flooding without
 * claiming to stop a determined attacker who can observe timing.
 */
final class KeyHash {
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private KeyHash() {
    }

    /** Hash of a key made of two addresses (four longs) and one word of ports, protocol and flags. */
    static long hash(long seed, long a0, long a1, long b0, long b1, long word) {
        long h = seed;
        h = step(h, a0);
        h = step(h, a1);
        h = step(h, b0);
        h = step(h, b1);
        h = step(h, word);
        return finish(h);
    }

    private static long step(long h, long v) {
        h ^= v * M1;
        return Long.rotateLeft(h, 29) * M2;
    }

    /** The final avalanche of MurmurHash3's fmix64. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
