package lvs.sched;

/**
 * {@code fo} (ip_vs_fo.c): everything goes to the highest-weight destination without OVERLOAD. The test is
 * {@code weight > best} starting from 0, so weight 0 never wins and the first in list order wins ties.
 */
public final class WeightedFailoverScheduler implements Scheduler {
    public static final String NAME = "fo";

    public WeightedFailoverScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int best = NONE;
        int bestWeight = 0;
        for (int i = 0, count = dests.count(); i < count; i++) {
            int weight = dests.weight(i);
            if (!dests.overloaded(i) && weight > bestWeight) {
                best = i;
                bestWeight = weight;
            }
        }
        return best;
    }
}
