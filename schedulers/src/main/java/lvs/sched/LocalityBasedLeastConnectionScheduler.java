package lvs.sched;

import java.util.function.LongSupplier;

/**
 * {@code lblc} (ip_vs_lblc.c), for cache clusters: requests for the same destination address stick to one
 * server. A cached server is reused while it is available, has weight > 0 and is not "overloaded" in the
 * locality sense (more active connections than its weight while some server is under half its weight); the
 * OVERLOAD flag is <b>not</b> checked for it. Otherwise wlc chooses anew and the cache entry follows.
 */
public final class LocalityBasedLeastConnectionScheduler implements Scheduler {
    public static final String NAME = "lblc";

    private final LocalityTable table = new LocalityTable(value -> { });
    private final LongSupplier clock;
    private final long expirationMillis;

    public LocalityBasedLeastConnectionScheduler(SchedulerSettings settings) {
        clock = settings.clockMillis();
        expirationMillis = settings.lblcExpirationMillis();
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
        if (entry >= 0) {
            table.touch(entry, now);
            int cached = table.value(entry);
            if (cached != NONE && cached < dests.count() && dests.available(cached) && dests.weight(cached) > 0
                && !overloadedForLocality(dests, cached)) {
                return cached;
            }
        }
        int chosen = LeastConnection.weightedLeast(dests);
        if (chosen == NONE) {
            return NONE;
        }
        if (entry >= 0) {
            table.value(entry, chosen); // the kernel replaces the entry; lastuse is already now
        } else {
            table.insert(flow, chosen, now);
        }
        return chosen;
    }

    /**
     * The lblc/lblcr "overloaded": more active connections than weight, while some destination in the service
     * has fewer than half its weight active (so there is somewhere better to go).
     */
    static boolean overloadedForLocality(DestinationView dests, int dest) {
        if (dests.activeConnections(dest) <= dests.weight(dest)) {
            return false;
        }
        for (int i = 0, count = dests.count(); i < count; i++) {
            if ((long) dests.activeConnections(i) * 2 < dests.weight(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onBound(DestinationView dests) {
        table.startTimer(clock.getAsLong());
    }

    /** Cached indices follow the list: a new destination at {@code index} moves later ones up by one. */
    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        table.remapValues(cached -> cached != NONE && cached >= index ? cached + 1 : cached);
    }

    /** A removed destination's entries become invalid (the kernel's unavailable dest in the trash). */
    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        table.remapValues(cached -> cached == formerIndex ? NONE : cached > formerIndex ? cached - 1 : cached);
    }

    /** Number of cached destination addresses, for tests and statistics. */
    int cachedEntries() {
        return table.entries();
    }
}
