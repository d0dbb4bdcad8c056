package lvs.sched;

import java.util.Arrays;

/**
 * {@code sh} (ip_vs_sh.c): a 256-bucket table keyed by the client address (plus its port with sh-port,
 * flag-2), bucket {@code hash_32(port + fold(saddr), 8)}. Each destination fills {@code weight} consecutive
 * buckets of a cyclic walk over the list (a weight-0 one still takes one per lap). An unavailable bucket
 * (weight 0 or OVERLOAD) fails, or with sh-fallback (flag-1) probes onwards, stopping at an empty bucket.
 */
public final class SourceHashingScheduler implements Scheduler {
    public static final String NAME = "sh";

    static final int TABLE_BITS = 8;
    static final int TABLE_SIZE = 1 << TABLE_BITS;
    private static final int TABLE_MASK = TABLE_SIZE - 1;

    private final int[] buckets = new int[TABLE_SIZE];

    public SourceHashingScheduler(SchedulerSettings settings) {
        Arrays.fill(buckets, NONE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int flags = dests.schedulerFlags();
        int port = KernelHash.hashedSourcePort(flow, (flags & SchedulerFlags.PORT) != 0);
        int initialHash = KernelHash.hash32(port + KernelHash.foldedSource(flow), TABLE_BITS);
        int dest = buckets[initialHash];
        if (dest == NONE) {
            return NONE;
        }
        if (usable(dests, dest)) {
            return dest;
        }
        if ((flags & SchedulerFlags.FALLBACK) == 0) {
            return NONE;
        }
        for (int offset = 0; offset < TABLE_SIZE; offset++) {
            // The kernel adds the rotated offset to the hash again: (offset + 2 * ihash) mod 256.
            int rotated = (offset + initialHash) % TABLE_SIZE;
            dest = buckets[(rotated + initialHash) & TABLE_MASK];
            if (dest == NONE) {
                return NONE;
            }
            if (usable(dests, dest)) {
                return dest;
            }
        }
        return NONE;
    }

    private static boolean usable(DestinationView dests, int dest) {
        return dest < dests.count() && dests.weight(dest) > 0 && !dests.overloaded(dest);
    }

    @Override
    public void onBound(DestinationView dests) {
        reassign(dests);
    }

    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        reassign(dests);
    }

    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        reassign(dests);
    }

    @Override
    public void onDestinationUpdated(DestinationView dests, int index) {
        reassign(dests);
    }

    /** Walk the list cyclically; move to the next destination once {@code ++filled >= weight}. */
    private void reassign(DestinationView dests) {
        int count = dests.count();
        int dest = 0;
        int filled = 0;
        for (int i = 0; i < TABLE_SIZE; i++) {
            if (count == 0) {
                buckets[i] = NONE;
                continue;
            }
            buckets[i] = dest;
            if (++filled >= dests.weight(dest)) {
                dest = (dest + 1) % count;
                filled = 0;
            }
        }
    }

    /** The table as destination indices, for tests. */
    int[] table() {
        return buckets.clone();
    }
}
