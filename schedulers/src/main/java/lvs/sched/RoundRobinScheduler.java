package lvs.sched;

/**
 * {@code rr} (ip_vs_rr.c): walk on from the destination picked last, wrapping once, and take the first with
 * weight > 0 and no OVERLOAD. With A, B, C added in that order the list is [C, B, A], so picks go C, B, A, ...
 */
public final class RoundRobinScheduler implements Scheduler {
    public static final String NAME = "rr";

    /** Index of the last pick; {@link #HEAD} stands for the list head, where the kernel starts. */
    private static final int HEAD = -1;
    private int last = HEAD;

    public RoundRobinScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int count = dests.count();
        int start = last < count ? last : HEAD; // defensive: a shrunk view without a removal hook
        for (int i = start + 1; i < count; i++) {
            if (eligible(dests, i)) {
                last = i;
                return i;
            }
        }
        // Second lap from the head up to and including the old position; none is needed if we began at the head.
        if (start != HEAD) {
            for (int i = 0; i <= start; i++) {
                if (eligible(dests, i)) {
                    last = i;
                    return i;
                }
            }
        }
        return NONE;
    }

    private static boolean eligible(DestinationView dests, int i) {
        return !dests.overloaded(i) && dests.weight(i) > 0;
    }

    @Override
    public void onBound(DestinationView dests) {
        last = HEAD;
    }

    /** The kernel links the new destination at the head; the pointer keeps pointing at the same destination. */
    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        if (last != HEAD && index <= last) {
            last++;
        }
    }

    /** Removing the pointed-to destination moves the pointer to its predecessor (or the head). */
    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        if (last != HEAD && formerIndex <= last) {
            last--;
        }
    }
}
