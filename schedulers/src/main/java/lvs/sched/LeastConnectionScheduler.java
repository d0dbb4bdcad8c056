package lvs.sched;

/**
 * {@code lc} (ip_vs_lc.c): the smallest overhead {@code (active << 8) + inactive} among destinations with
 * weight > 0 and no OVERLOAD. Weights matter only in that 0 excludes; the first in list order wins ties.
 */
public final class LeastConnectionScheduler implements Scheduler {
    public static final String NAME = "lc";

    public LeastConnectionScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int least = NONE;
        int leastOverhead = 0;
        for (int i = 0, count = dests.count(); i < count; i++) {
            if (dests.overloaded(i) || dests.weight(i) == 0) {
                continue;
            }
            int overhead = LeastConnection.overhead(dests, i);
            if (least == NONE || overhead < leastOverhead) {
                least = i;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
