package lvs.sched;

/**
 * {@code ovf} (ip_vs_ovf.c): the highest-weight destination whose active connections do not exceed its
 * weight, skipping weight 0 and OVERLOAD; the first in list order wins ties. New connections go to the top
 * server until it is "full", then overflow to the next. Inactive connections are ignored.
 */
public final class OverflowConnectionScheduler implements Scheduler {
    public static final String NAME = "ovf";

    public OverflowConnectionScheduler(SchedulerSettings settings) {
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
            if (dests.overloaded(i) || dests.activeConnections(i) > weight || weight == 0) {
                continue;
            }
            if (best == NONE || weight > bestWeight) {
                best = i;
                bestWeight = weight;
            }
        }
        return best;
    }
}
