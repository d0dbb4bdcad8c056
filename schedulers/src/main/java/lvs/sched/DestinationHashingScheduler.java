package lvs.sched;

import java.util.Arrays;

/**
 * {@code dh} (ip_vs_dh.c): a 256-bucket table keyed by {@code hash_32(fold(daddr), 8)} of the packet's
 * destination address. Bucket i holds the (i mod n)-th destination in list order; weights are ignored when
 * building. If the bucket's destination is unavailable, has weight 0 or OVERLOAD, the pick fails: dh has no
 * fallback.
 */
public final class DestinationHashingScheduler implements Scheduler {
    public static final String NAME = "dh";

    static final int TABLE_BITS = 8;
    static final int TABLE_SIZE = 1 << TABLE_BITS;

    private final int[] buckets = new int[TABLE_SIZE];

    public DestinationHashingScheduler(SchedulerSettings settings) {
        Arrays.fill(buckets, NONE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int dest = buckets[KernelHash.hash32(KernelHash.foldedDestination(flow), TABLE_BITS)];
        if (dest == NONE || dest >= dests.count() || !dests.available(dest) || dests.weight(dest) <= 0
            || dests.overloaded(dest)) {
            return NONE;
        }
        return dest;
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

    // No onDestinationUpdated: the kernel's dh has no upd_dest, and weights do not shape the table anyway.

    /** A cyclic walk over the list, newest first, one bucket per step. */
    private void reassign(DestinationView dests) {
        int count = dests.count();
        for (int i = 0; i < TABLE_SIZE; i++) {
            buckets[i] = count == 0 ? NONE : i % count;
        }
    }

    /** The table as destination indices, for tests. */
    int[] table() {
        return buckets.clone();
    }
}
