package lvs.sched;

import java.util.Arrays;

/**
 * The Maglev lookup table of ip_vs_mh.c: each destination walks its own permutation of the M slots
 * (start {@code h1 % M}, stride {@code h2 % (M-1) + 1}, hashing its address and port), and in list order
 * the destinations claim free slots, {@code turns} per round, until the table is full. Turns come from
 * {@code last_weight}, divided by the gcd and shifted so that no destination takes huge runs.
 */
final class MaglevTable {
    /** The kernel's table sizes, indexed by CONFIG_IP_VS_MH_TAB_INDEX - 8. */
    private static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
    static final long HASH1_KEY = 2654435761L;
    static final long HASH2_KEY = 2654446892L;

    final int size;
    private final int weightBits;
    final KernelHsipHash hash1 = new KernelHsipHash(HASH1_KEY);
    private final KernelHsipHash hash2 = new KernelHsipHash(HASH2_KEY);
    final int[] slots;                // destination index per slot, or Scheduler.NONE
    private final long sizeReciprocal; // ceil(2^64 / size), for division-free "hash % size"
    private final boolean[] taken;
    private int[] perm = new int[16];
    private int[] skip = new int[16];
    private int[] turns = new int[16];

    MaglevTable(int tableIndex) {
        size = PRIMES[tableIndex - 8];
        weightBits = tableIndex / 2;
        slots = new int[size];
        sizeReciprocal = Long.divideUnsigned(-1L, size) + 1;
        taken = new boolean[size];
        Arrays.fill(slots, Scheduler.NONE);
    }

    /** {@code ip_vs_mh_hashkey}: hsiphash of {@code offset + port + fold(addr)} as a u32. */
    static int key(int offset, int port, int foldedAddress) {
        return offset + (port & 0xffff) + foldedAddress;
    }

    /**
     * {@code hash % size} with the hash taken as unsigned, without a division (Lemire's "fastmod": the low
     * 64 bits of reciprocal * hash, times size, high 64 bits). Exact for every 32-bit hash.
     */
    int slotOf(int hash) {
        long fraction = sizeReciprocal * (hash & 0xffffffffL);
        return (int) (Math.multiplyHigh(fraction, size) + ((fraction >> 63) & size));
    }

    /** Rebuilds the table; returns false (and keeps the old one) when there are more destinations than slots. */
    boolean rebuild(DestinationView dests) {
        int count = dests.count();
        if (count > size) {
            return false; // the kernel answers -EINVAL and leaves its table alone
        }
        int gcd = 0;
        int maxWeight = 0;
        for (int i = 0; i < count; i++) {
            int weight = dests.lastWeight(i);
            if (weight > 0) {
                gcd = gcd > 0 ? WeightedRoundRobinScheduler.gcd(weight, gcd) : weight;
            }
            maxWeight = Math.max(maxWeight, weight);
        }
        if (gcd < 1) {
            Arrays.fill(slots, Scheduler.NONE); // no destinations, or all added with weight 0
            return true;
        }
        int shift = Math.max(0, (32 - Integer.numberOfLeadingZeros(maxWeight / gcd)) - weightBits);
        permute(dests, count, gcd, shift);
        populate(count);
        return true;
    }

    private void permute(DestinationView dests, int count, int gcd, int shift) {
        if (perm.length < count) {
            perm = new int[count];
            skip = new int[count];
            turns = new int[count];
        }
        for (int i = 0; i < count; i++) {
            int v = key(0, dests.port(i), KernelHash.foldedDestinationAddress(dests, i));
            perm[i] = slotOf(hash1.hash(v));
            skip[i] = Integer.remainderUnsigned(hash2.hash(v), size - 1) + 1;
            int lastWeight = dests.lastWeight(i);
            int scaled = (lastWeight / gcd) >> shift;
            turns[i] = scaled != 0 ? scaled : (lastWeight != 0 ? 1 : 0);
        }
    }

    private void populate(int count) {
        Arrays.fill(taken, false);
        int filled = 0;
        while (true) {
            for (int dest = 0; dest < count; dest++) {
                for (int turn = 0; turn < turns[dest]; turn++) {
                    int slot = perm[dest];
                    while (taken[slot]) {
                        slot = perm[dest] = (perm[dest] + skip[dest]) % size;
                    }
                    taken[slot] = true;
                    slots[slot] = dest;
                    if (++filled == size) {
                        return;
                    }
                }
            }
        }
    }
}
