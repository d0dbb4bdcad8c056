package lvs.snapshot;

import org.agrona.collections.Long2LongHashMap;

/**
 * Gives each table object (service or real server id, see {@code lvs.table.StatsSource}) a dense
 * counter slot that stays the same across snapshots, so counters and connection counts survive
 * {@code -E}/{@code -e} and a snapshot swap. Slot 0 holds the global totals. Control path only.
 *
 * <p>Slots are not yet recycled when objects are deleted (ids are never reused either), so capacity
 * bounds the ids ever seen. When it runs out, further objects share the last slot, the overflow slot:
 * they are still forwarded, but their counters are lumped together (and not listed: they have no
 * slot of their own), and a connection-count-based scheduler sees their combined counts. That is a
 * degraded mode, reported once through {@link #hasOverflowed()}; it never fails the data plane.
 * Raise {@code -Dlvsd.maxObjects} to avoid it.
 */
public final class CounterSlots {
    public static final int TOTALS = 0;
    private final Long2LongHashMap slotById = new Long2LongHashMap(-1);
    private final int capacity;
    private final int overflowSlot;
    private int next = 1;
    private boolean overflowed;

    /** @param capacity slots in all, including the totals and the overflow slot (at least 3) */
    public CounterSlots(int capacity) {
        if (capacity < 3) {
            throw new IllegalArgumentException("capacity " + capacity + " < 3");
        }
        this.capacity = capacity;
        this.overflowSlot = capacity - 1;
    }

    /** The slot of {@code id}, allocating one on first use; the shared overflow slot when full. */
    public synchronized int slotFor(long id) {
        long slot = slotById.get(id);
        if (slot >= 0) {
            return (int) slot;
        }
        if (next >= overflowSlot) {
            overflowed = true;
            return overflowSlot;
        }
        slotById.put(id, next);
        return next++;
    }

    /** The slot of {@code id}, or -1 if it has none of its own (never seen, or beyond capacity). */
    public synchronized int existingSlot(long id) {
        return (int) slotById.get(id);
    }

    /** True once some object had to share the overflow slot. */
    public synchronized boolean hasOverflowed() {
        return overflowed;
    }

    public int capacity() {
        return capacity;
    }
}
