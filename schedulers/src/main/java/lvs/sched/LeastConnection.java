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
        int least = Scheduler.NONE;
        long leastOverhead = 0;
        long leastWeight = 0;
        for (int i = 0, count = dests.count(); i < count; i++) {
            if (dests.overloaded(i)) {
                continue;
            }
            int weight = dests.weight(i);
            int overhead = overhead(dests, i);
            if (least == Scheduler.NONE) {
                if (weight > 0) { // only a positive weight may start; afterwards 0 simply never wins
                    least = i;
                    leastOverhead = overhead;
                    leastWeight = weight;
                }
            } else if (leastOverhead * weight > overhead * leastWeight) {
                least = i;
                leastOverhead = overhead;
                leastWeight = weight;
            }
        }
        return least;
    }
}
