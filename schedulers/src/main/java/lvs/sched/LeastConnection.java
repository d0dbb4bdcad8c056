package lvs.sched;

/**
 * The load measures and the weighted-least-ratio walk that wlc, lblc, lblcr and sed share.
 *
 * <p>Weighted comparisons never divide: a candidate D replaces the best L only when
 * {@code overhead(L) * weight(D) > overhead(D) * weight(L)} in 64 bits, so the first in list order wins ties.
 * The walks read one {@link LoadWord} per destination, whose OVERLOADED value 0 drops out of every test by
 * itself (see {@link LoadWord}).
 */
final class LeastConnection {
    private LeastConnection() {
    }

    /**
     * {@code ip_vs_dest_conn_overhead}: an active connection weighs 256 inactive ones. The kernel computes it
     * in an {@code int}, and so do we.
     */
    static int overhead(DestinationView dests, int index) {
        return LoadWord.connectionOverhead(dests.activeConnections(index), dests.inactiveConnections(index));
    }

    /**
     * WLC: the first destination with no OVERLOAD and weight > 0 starts as the candidate; every later
     * destination without OVERLOAD replaces it if strictly less loaded per unit of weight (a weight-0 one
     * never is, since its left side is 0; an OVERLOADED one is the word 0, so both sides are 0).
     */
    static int weightedLeast(DestinationView dests) {
        return weightedLeast(dests, false);
    }

    /**
     * The walk over {@link DestinationView#connectionLoad} words (wlc, lblc, lblcr) or, with
     * {@code expectedDelay}, over {@link DestinationView#expectedDelayLoad} words (sed). Callers pass a
     * constant, so the JIT keeps one accessor per inlined copy. The loop has one branch, almost never
     * taken; its cost is the two 64-bit multiplications per destination. (A cheap pre-test that skips them,
     * as nq has, measured 12% faster for sed but 50% slower for wlc on the benchmark's mixed weights, whose
     * spread-out overheads make the pre-test pass unpredictably; see docs/benchmarks.md.)
     */
    static int weightedLeast(DestinationView dests, boolean expectedDelay) {
        int count = dests.count();
        int least = 0;
        long word = 0;
        for (; least < count; least++) {
            word = word(dests, least, expectedDelay);
            if (LoadWord.weight(word) > 0) {
                break;
            }
        }
        if (least == count) {
            return Scheduler.NONE;
        }
        long leastOverhead = LoadWord.load(word);
        long leastWeight = LoadWord.weight(word);
        for (int i = least + 1; i < count; i++) {
            long candidate = word(dests, i, expectedDelay);
            if (leastOverhead * LoadWord.weight(candidate) > LoadWord.load(candidate) * leastWeight) {
                least = i;
                leastOverhead = LoadWord.load(candidate);
                leastWeight = LoadWord.weight(candidate);
            }
        }
        return least;
    }

    private static long word(DestinationView dests, int index, boolean expectedDelay) {
        return expectedDelay ? dests.expectedDelayLoad(index) : dests.connectionLoad(index);
    }
}
