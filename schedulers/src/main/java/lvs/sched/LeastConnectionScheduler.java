package lvs.sched;

/**
 * {@code lc} (ip_vs_lc.c): the smallest overhead {@code (active << 8) + inactive} among destinations with
 * weight > 0 and no OVERLOAD. Weights matter only in that 0 excludes; the first in list order wins ties.
 * The kernel keeps the overheads in {@code unsigned int}s, so a wrapped (negative) overhead counts as huge,
 * and so does it here.
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
        int count = dests.count();
        int least = 0;
        long word = 0;
        for (; least < count; least++) {
            word = dests.connectionLoad(least);
            if (LoadWord.weight(word) != 0) { // OVERLOADED is the word 0, so this skips it too
                break;
            }
        }
        if (least == count) {
            return NONE;
        }
        int leastOverhead = unsignedOrder((int) LoadWord.load(word));
        for (int i = least + 1; i < count; i++) {
            long candidate = dests.connectionLoad(i);
            int overhead = unsignedOrder((int) LoadWord.load(candidate));
            if (overhead < leastOverhead && LoadWord.weight(candidate) != 0) {
                least = i;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    /** Flips the sign bit, so that a signed {@code <} on the results is the kernel's unsigned one. */
    private static int unsignedOrder(int overhead) {
        return overhead ^ Integer.MIN_VALUE;
    }
}
