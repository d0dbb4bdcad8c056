package lvs.sched;

/**
 * {@code sed} (ip_vs_sed.c): like wlc, but the load is {@code active + 1} and inactive connections are
 * ignored, so it minimises (C + 1) / W. The first destination with weight > 0 and no OVERLOAD starts;
 * later ones without OVERLOAD replace it only when strictly better, so a weight-0 one never wins.
 */
public final class ShortestExpectedDelayScheduler implements Scheduler {
    public static final String NAME = "sed";

    public ShortestExpectedDelayScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int count = dests.count();
        int least = NONE;
        int i = 0;
        for (; i < count; i++) {
            if (!dests.overloaded(i) && dests.weight(i) > 0) {
                least = i;
                break;
            }
        }
        if (least == NONE) {
            return NONE;
        }
        long leastOverhead = dests.activeConnections(least) + 1;
        long leastWeight = dests.weight(least);
        for (i = least + 1; i < count; i++) {
            if (dests.overloaded(i)) {
                continue;
            }
            int overhead = dests.activeConnections(i) + 1;
            if (leastOverhead * dests.weight(i) > (long) overhead * leastWeight) {
                least = i;
                leastOverhead = overhead;
                leastWeight = dests.weight(i);
            }
        }
        return least;
    }
}
