package lvs.sched;

/**
 * The load measures and the weighted-least-connection walk that wlc, lblc and lblcr share.
 *
 * <p>Weighted comparisons never divide: a candidate D replaces the best L only when
 * {@code overhead(L) * weight(D) > overhead(D) * weight(L)} in 64 bits, so the first in list order wins ties.
 */
final class LeastConnection {
    private LeastConnection() {
    }

    /**
     * {@code ip_vs_dest_conn_overhead}: an active connection weighs 256 inactive ones. The kernel computes it
     * in an {@code int}, and so do we.
     */
    static int overhead(DestinationView dests, int index) {
        return (dests.activeConnections(index) << 8) + dests.inactiveConnections(index);
    }

    /**
     * WLC: the first destination with no OVERLOAD and weight > 0 starts as the candidate; every later
     * destination without OVERLOAD replaces it if strictly less loaded per unit of weight (a weight-0 one
     * never is, since its left side is 0).
     */
    static int weightedLeast(DestinationView dests) {
        int count = dests.count();
        int least = Scheduler.NONE;
        int i = 0;
        for (; i < count; i++) {
            if (!dests.overloaded(i) && dests.weight(i) > 0) {
                least = i;
                break;
            }
        }
        if (least == Scheduler.NONE) {
            return Scheduler.NONE;
        }
        long leastOverhead = overhead(dests, least);
        long leastWeight = dests.weight(least);
        for (i = least + 1; i < count; i++) {
            if (dests.overloaded(i)) {
                continue;
            }
            int candidateOverhead = overhead(dests, i);
            if (leastOverhead * dests.weight(i) > (long) candidateOverhead * leastWeight) {
                least = i;
                leastOverhead = candidateOverhead;
                leastWeight = dests.weight(i);
            }
        }
        return least;
    }
}
