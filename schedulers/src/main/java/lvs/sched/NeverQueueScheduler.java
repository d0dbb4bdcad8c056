package lvs.sched;

/**
 * {@code nq} (ip_vs_nq.c): the first idle destination (no active connections) in list order, whatever its
 * weight; if none is idle, the sed choice, minimising (active + 1) / weight. Destinations with weight 0 or
 * OVERLOAD are skipped throughout.
 */
public final class NeverQueueScheduler implements Scheduler {
    public static final String NAME = "nq";

    public NeverQueueScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int least = NONE;
        long leastOverhead = 0;
        long leastWeight = 0;
        for (int i = 0, count = dests.count(); i < count; i++) {
            int weight = dests.weight(i);
            if (dests.overloaded(i) || weight == 0) {
                continue;
            }
            int active = dests.activeConnections(i);
            if (active == 0) {
                return i; // an idle server never queues
            }
            long overhead = active + 1;
            if (least == NONE || leastOverhead * weight > overhead * leastWeight) {
                least = i;
                leastOverhead = overhead;
                leastWeight = weight;
            }
        }
        return least;
    }
}
