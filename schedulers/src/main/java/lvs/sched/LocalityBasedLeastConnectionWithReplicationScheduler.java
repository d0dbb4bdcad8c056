package lvs.sched;

import java.util.function.LongSupplier;

/**
 * {@code lblcr} (ip_vs_lblcr.c): like lblc, but each destination address maps to a <em>set</em> of servers.
 * A hit uses the set's least-loaded member unless it is overloaded in the locality sense; then wlc picks a
 * server from the whole service and it joins the set. A set that has not changed for
 * {@code lblcr_expiration} sheds its most-loaded member (one per pick) while it has more than one.
 */
public final class LocalityBasedLeastConnectionWithReplicationScheduler implements Scheduler {
    public static final String NAME = "lblcr";

    private final ReplicaSets sets = new ReplicaSets();
    private final LocalityTable table = new LocalityTable(sets::release);
    private final LongSupplier clock;
    private final long expirationMillis;

    public LocalityBasedLeastConnectionWithReplicationScheduler(SchedulerSettings settings) {
        clock = settings.clockMillis();
        expirationMillis = settings.lblcrExpirationMillis();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        long now = clock.getAsLong();
        table.expire(now, expirationMillis);
        int entry = table.find(flow);
        if (entry < 0) {
            int chosen = LeastConnection.weightedLeast(dests);
            if (chosen != NONE) {
                int set = sets.create();
                sets.insert(set, chosen, false, now);
                table.insert(flow, set, now);
            }
            return chosen;
        }
        table.touch(entry, now);
        int set = table.value(entry);
        int least = sets.min(set, dests);
        // Shed the busiest replica once the set has been stable for longer than the expiration.
        if (sets.size(set) > 1 && now > sets.lastModified(set) + expirationMillis) {
            int most = sets.max(set, dests);
            if (most != NONE) {
                sets.erase(set, most, now);
            }
        }
        if (least != NONE && !LocalityBasedLeastConnectionScheduler.overloadedForLocality(dests, least)) {
            return least;
        }
        int chosen = LeastConnection.weightedLeast(dests);
        if (chosen != NONE) {
            sets.insert(set, chosen, true, now);
        }
        return chosen;
    }

    @Override
    public void onBound(DestinationView dests) {
        table.startTimer(clock.getAsLong());
    }

    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        table.remapValues(set -> {
            sets.destinationAdded(set, index);
            return set;
        });
    }

    /**
     * The removed destination leaves every set at once. (The kernel keeps a removed destination in its sets,
     * unavailable, until set_max sheds it or the entry expires; with index-based views it simply goes.)
     */
    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        table.remapValues(set -> {
            sets.destinationRemoved(set, formerIndex);
            return set;
        });
    }

    int cachedEntries() {
        return table.entries();
    }

    /** Size of the replica set cached for the flow's destination address (0 if none), for tests. */
    int replicaCount(FlowView flow) {
        int entry = table.find(flow);
        return entry < 0 ? 0 : sets.size(table.value(entry));
    }
}
