package lvs.snapshot;

import org.agrona.collections.Long2LongHashMap;

/**
 * Gives each table object (service or real server id, see {@code lvs.table.StatsSource}) a dense
 * counter slot that stays the same across snapshots, so counters and connection counts survive
 * {@code -E}/{@code -e} and a snapshot swap. Slot 0 holds the global totals. Control path only;
 * slots are not reused (ids are never reused either), so capacity bounds the ids ever seen.
 */
public final class CounterSlots {
    public static final int TOTALS = 0;
    private final Long2LongHashMap slotById = new Long2LongHashMap(-1);
    private final int capacity;
    private int next = 1;

    public CounterSlots(int capacity) {
        this.capacity = capacity;
    }

    /** The slot of {@code id}, allocating one on first use; -1 when full. */
    public synchronized int slotFor(long id) {
        long slot = slotById.get(id);
        if (slot >= 0) {
            return (int) slot;
        }
        if (next >= capacity) {
            return -1;
        }
        slotById.put(id, next);
        return next++;
    }

    /** The slot of {@code id}, or -1 if it never had one. */
    public synchronized int existingSlot(long id) {
        return (int) slotById.get(id);
    }

    public int capacity() {
        return capacity;
    }
}
