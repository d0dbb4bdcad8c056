package lvs.conn;

import java.util.Arrays;

/**
 * A hashed timer wheel whose lists run through the entries themselves (the table's link word), so
 * scheduling allocates nothing and costs a few array writes.
 *
 * <p><b>Why not Agrona's {@code DeadlineTimerWheel}:</b> it keeps deadlines in its own per-tick arrays
 * and, when one tick overflows, doubles the allocation of <em>every</em> tick. A burst of a million
 * connections opened in the same second (all with the same 60 s SYN_RECV timeout) would land in one
 * tick and blow the wheel up to ticks x 1M longs, and it has no payload slot to map a timer back to
 * its connection without a second map. An intrusive doubly linked wheel has neither problem.
 *
 * <p><b>Lazy re-arming:</b> every packet pushes a connection's expiry forward. Moving it between lists
 * per packet would be wasted work, so an entry stays where it is while its expiry only grows; when its
 * bucket comes round and the expiry lies in the future, it is re-linked then. The invariant is that an
 * entry's bucket is visited no later than its expiry; callers that <em>shorten</em> an expiry must call
 * {@link #reschedule}. Expiries beyond one revolution are clamped to the last bucket of the revolution
 * and simply re-linked when visited.
 *
 * <p>Resolution is one tick: an entry is handed to the expirer once its whole tick has passed, so at
 * most {@code tickMs} after its expiry, never before.
 */
final class ExpiryWheel {
    static final int UNLINKED = Integer.MIN_VALUE;
    private static final int NONE = -1;

    /** Called for each entry whose expiry is at or before now; it must free or re-schedule it. */
    interface Expirer {
        void onExpired(int entry, long nowMs);
    }

    private final ConnectionTable table;
    private final long tickMs;
    private final int bucketMask;
    private final int pending;
    /** Heads of each bucket's list; the last one is the list of the bucket being expired now. */
    private final int[] heads;
    private long cursorTick;
    private int scheduled;

    ExpiryWheel(ConnectionTable table, long tickMs, int buckets, long startMs) {
        if (tickMs < 1 || buckets < 2 || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("need tickMs >= 1 and a power-of-two bucket count");
        }
        this.table = table;
        this.tickMs = tickMs;
        this.bucketMask = buckets - 1;
        this.pending = buckets;
        this.heads = new int[buckets + 1];
        Arrays.fill(heads, NONE);
        this.cursorTick = Math.floorDiv(startMs, tickMs);
    }

    long tickMs() {
        return tickMs;
    }

    int scheduledCount() {
        return scheduled;
    }

    boolean isScheduled(int e) {
        return prev(table.links(e)) != UNLINKED;
    }

    /** Links {@code e} by its current expiry. It must not be scheduled already. */
    void schedule(int e) {
        long tick = Math.floorDiv(table.expiresAtMs(e), tickMs);
        if (tick < cursorTick) {
            tick = cursorTick;
        } else if (tick > cursorTick + bucketMask) {
            tick = cursorTick + bucketMask;
        }
        link(e, (int) tick & bucketMask);
    }

    void unschedule(int e) {
        if (isScheduled(e)) {
            unlink(e);
        }
    }

    /** For an expiry that moved earlier: the lazy invariant would otherwise be broken. */
    void reschedule(int e) {
        unschedule(e);
        schedule(e);
    }

    /**
     * Hands due entries to {@code expirer}, doing at most {@code limit} units of work (one per entry
     * visited, one per bucket stepped over). Returns the work done; less than {@code limit} means the
     * wheel has caught up with {@code nowMs}.
     */
    int poll(long nowMs, int limit, Expirer expirer) {
        long nowTick = Math.floorDiv(nowMs, tickMs);
        int work = 0;
        while (work < limit) {
            int e = heads[pending];
            if (e == NONE) {
                if (scheduled == 0) {
                    cursorTick = Math.max(cursorTick, nowTick);
                    break;
                }
                if (cursorTick >= nowTick) {
                    break; // the cursor's tick has not fully passed yet
                }
                work++;
                int b = (int) cursorTick & bucketMask;
                int head = heads[b];
                if (head == NONE) {
                    cursorTick++;
                } else {
                    heads[b] = NONE;
                    heads[pending] = head;
                    table.setLinks(head, ConnectionTable.links(headMarker(pending), next(table.links(head))));
                }
                continue;
            }
            unlink(e);
            work++;
            if (table.expiresAtMs(e) <= nowMs) {
                expirer.onExpired(e, nowMs);
            } else {
                schedule(e);
            }
        }
        return work;
    }

    private void link(int e, int bucket) {
        int first = heads[bucket];
        table.setLinks(e, ConnectionTable.links(headMarker(bucket), first));
        if (first != NONE) {
            table.setLinks(first, ConnectionTable.links(e, next(table.links(first))));
        }
        heads[bucket] = e;
        scheduled++;
    }

    private void unlink(int e) {
        long links = table.links(e);
        int prev = prev(links);
        int next = next(links);
        if (prev >= 0) {
            table.setLinks(prev, ConnectionTable.links(prev(table.links(prev)), next));
        } else {
            heads[bucketOfMarker(prev)] = next;
        }
        if (next != NONE) {
            table.setLinks(next, ConnectionTable.links(prev, next(table.links(next))));
        }
        table.setLinks(e, ConnectionTable.links(UNLINKED, UNLINKED));
        scheduled--;
    }

    /** A list head's prev field names its bucket as a negative number, so unlink can fix the head. */
    private static int headMarker(int bucket) {
        return -(bucket + 2);
    }

    private static int bucketOfMarker(int marker) {
        return -marker - 2;
    }

    private static int prev(long links) {
        return (int) links;
    }

    private static int next(long links) {
        return (int) (links >>> 32);
    }
}
