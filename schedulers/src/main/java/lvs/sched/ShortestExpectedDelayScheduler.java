package lvs.sched;

/**
 * {@code sed} (ip_vs_sed.c): like wlc, but the load is {@code active + 1} and inactive connections are
 * ignored, so it minimises (C + 1) / W. The first destination with weight > 0 and no OVERLOAD starts;
 * later ones without OVERLOAD replace it only when strictly better, so a weight-0 one never wins. It is
 * wlc's walk ({@link LeastConnection#weightedLeast}) over {@link DestinationView#expectedDelayLoad} words.
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
        return LeastConnection.weightedLeast(dests, true);
    }
}
