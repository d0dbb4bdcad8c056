package lvs.sched;

/**
 * {@code wlc} (ip_vs_wlc.c), ipvsadm's default: the least {@code overhead / weight}, compared by
 * cross-multiplication, skipping OVERLOAD; a weight-0 destination never wins, and ties keep the first in
 * list order. The walk itself lives in {@link LeastConnection#weightedLeast} because lblc and lblcr reuse it.
 */
public final class WeightedLeastConnectionScheduler implements Scheduler {
    public static final String NAME = "wlc";

    public WeightedLeastConnectionScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        return LeastConnection.weightedLeast(dests);
    }
}
