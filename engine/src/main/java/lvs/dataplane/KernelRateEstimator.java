package lvs.dataplane;

import lvs.table.Rates;

/**
 * The kernel's rate estimator ({@code ip_vs_est.c}), one per counter slot: every 2 s the change of
 * each counter is turned into a per-second rate and smoothed with an EWMA of weight 1/4, in fixed
 * point (packets and connections scaled by 2^10, bytes by 2^5). Not thread-safe: its owner locks.
 */
final class KernelRateEstimator {
    /** Flat, 5 per slot: no per-slot array objects; grown by the owner as slots are handed out. */
    private long[] last;
    private long[] rate;

    KernelRateEstimator(int slots) {
        last = new long[slots * 5];
        rate = new long[slots * 5];
    }

    int slots() {
        return last.length / 5;
    }

    /** Holds {@code slots} slots from now on (the new ones at rate 0, last sample 0). */
    void grow(int slots) {
        last = java.util.Arrays.copyOf(last, slots * 5);
        rate = java.util.Arrays.copyOf(rate, slots * 5);
    }

    /** One 2-second step with the counters' current values (conns, inpkts, outpkts, inbytes, outbytes). */
    void sample(int slot, long[] now) {
        int base = slot * 5;
        for (int f = 0; f < 5; f++) {
            long delta = now[f] - last[base + f];
            long scaled = f < 3 ? delta << 9 : delta << 4; // Δ/2s, scaled by 2^10 or 2^5
            rate[base + f] += (scaled - rate[base + f]) >> 2;
            last[base + f] = now[f];
        }
    }

    /** {@code -Z}: restart from {@code now} with every rate 0. */
    void reset(int slot, long[] now) {
        System.arraycopy(now, 0, last, slot * 5, 5);
        java.util.Arrays.fill(rate, slot * 5, slot * 5 + 5, 0);
    }

    Rates read(int slot) {
        int b = slot * 5;
        return new Rates((rate[b] + 0x1FF) >> 10, (rate[b + 1] + 0x1FF) >> 10, (rate[b + 2] + 0x1FF) >> 10,
            (rate[b + 3] + 0xF) >> 5, (rate[b + 4] + 0xF) >> 5);
    }
}
