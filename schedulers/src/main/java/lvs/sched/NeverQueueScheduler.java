package lvs.sched;

/**
 * {@code nq} (ip_vs_nq.c): the first idle destination (no active connections) in list order, whatever its
 * weight; if none is idle, the sed choice, minimising (active + 1) / weight. Destinations with weight 0 or
 * OVERLOAD are skipped throughout. Reads one {@link DestinationView#expectedDelayLoad} word per destination:
 * its load is {@code active + 1}, so "idle" is a load of 1, and OVERLOADED is the word 0 (weight 0, skipped).
 */
public final class NeverQueueScheduler implements Scheduler {
    public static final String NAME = "nq";

    private static final long IDLE = 1; // active + 1 of a destination with no active connection

    public NeverQueueScheduler(SchedulerSettings settings) {
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
            word = dests.expectedDelayLoad(least);
            if (LoadWord.weight(word) != 0) {
                break;
            }
        }
        if (least == count) {
            return NONE;
        }
        long leastOverhead = LoadWord.load(word);
        int leastWeight = LoadWord.weight(word);
        if (leastOverhead == IDLE) {
            return least; // an idle server never queues
        }
        int i = least + 1;
        if (leastOverhead > IDLE && leastWeight > 0) {
            // One cheap test instead of three checks and two multiplications for most candidates: with
            // load(L) >= 0 and weight(L) > 0, a candidate D with load(D) >= load(L) and weight(D) <= weight(L)
            // has load(D) * weight(L) >= load(L) * weight(L) >= load(L) * weight(D), so it cannot replace L;
            // it is not idle either (its load is >= 2). An idle candidate (load 1) and an OVERLOADED one (the
            // word 0) always pass to the kernel's checks, in the kernel's order.
            for (; i < count; i++) {
                long candidate = dests.expectedDelayLoad(i);
                long overhead = LoadWord.load(candidate);
                int weight = LoadWord.weight(candidate);
                if (overhead < leastOverhead | weight > leastWeight) {
                    if (weight == 0) {
                        continue; // quiesced or OVERLOADED
                    }
                    if (overhead == IDLE) {
                        return i;
                    }
                    if (leastOverhead * weight > overhead * leastWeight) {
                        least = i;
                        leastOverhead = overhead;
                        leastWeight = weight;
                        if (leastOverhead <= IDLE || leastWeight <= 0) {
                            i++;
                            break; // a wrapped load: finish with the plain loop
                        }
                    }
                }
            }
        }
        for (; i < count; i++) { // ip_vs_nq.c as written
            long candidate = dests.expectedDelayLoad(i);
            int weight = LoadWord.weight(candidate);
            if (weight == 0) {
                continue;
            }
            long overhead = LoadWord.load(candidate);
            if (overhead == IDLE) {
                return i;
            }
            if (leastOverhead * weight > overhead * leastWeight) {
                least = i;
                leastOverhead = overhead;
                leastWeight = weight;
            }
        }
        return least;
    }
}
