package lvs.dataplane;

import lvs.table.Rates;

/**
 * The kernel's rate estimator ({@code ip_vs_est.c}), one per counter slot: every 2 s the change of
 * each counter is turned into a per-second rate and smoothed with an EWMA of weight 1/4, in fixed
 * point (packets and connections scaled by 2^10, bytes by 2^5). Not thread-safe: its owner locks.
 */
final class KernelRateEstimator {
    private final long[][] last;
    private final long[][] rate;

    KernelRateEstimator(int slots) {
        last = new long[slots][5];
        rate = new long[slots][5];
    }

    /** One 2-second step with the counters' current values (conns, inpkts, outpkts, inbytes, outbytes). */
    void sample(int slot, long[] now) {
        for (int f = 0; f < 5; f++) {
            long delta = now[f] - last[slot][f];
            long scaled = f < 3 ? delta << 9 : delta << 4; // Δ/2s, scaled by 2^10 or 2^5
            rate[slot][f] += (scaled - rate[slot][f]) >> 2;
            last[slot][f] = now[f];
        }
    }

    /** {@code -Z}: restart from {@code now} with every rate 0. */
    void reset(int slot, long[] now) {
        System.arraycopy(now, 0, last[slot], 0, 5);
        java.util.Arrays.fill(rate[slot], 0);
    }

    Rates read(int slot) {
        long[] r = rate[slot];
        return new Rates((r[0] + 0x1FF) >> 10, (r[1] + 0x1FF) >> 10, (r[2] + 0x1FF) >> 10,
            (r[3] + 0xF) >> 5, (r[4] + 0xF) >> 5);
    }
}
