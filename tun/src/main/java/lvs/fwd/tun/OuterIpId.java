package lvs.fwd.tun;

/**
 * IPv4 IDs for outer headers without DF (and for our ICMP errors): like the kernel's
 * {@code ip_select_ident} for packets with no socket, a counter per hashed destination, so IDs to one
 * host do not repeat quickly and do not reveal traffic to others. Packets with DF carry ID 0, as the
 * kernel sends them. The counters start from {@code seed}-derived values. Single thread; no allocation.
 */
final class OuterIpId {
    private static final int BUCKETS = 2048;
    private final int[] next = new int[BUCKETS];

    OuterIpId(long seed) {
        long s = seed;
        for (int i = 0; i < BUCKETS; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            next[i] = (int) (s >>> 48);
        }
    }

    int next(int destination, int protocol) {
        int h = (destination * 0x9E3779B1) ^ (protocol * 0x85EBCA6B);
        int bucket = (h ^ h >>> 16) & (BUCKETS - 1);
        int id = next[bucket];
        next[bucket] = id + 1;
        return id & 0xFFFF;
    }
}
