package lvs.snapshot;

import java.util.Arrays;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Gives each live table object (service or real server id, see {@code lvs.table.StatsSource}) a dense
 * counter slot that stays the same across snapshots, so counters and connection counts survive
 * {@code -E}/{@code -e} and a snapshot swap. Slot 0 holds the global totals. Control path only.
 *
 * <p>Table ids are never reused, but slots are, the way the kernel's destination "trash" works: an
 * object that a compile no longer sees (deleted from the table) <em>retires</em> its slot, stamped
 * with that compile's sequence number ({@link #beginCompile}). A retired slot is handed out again only
 * once (a) the data plane has installed a snapshot of that sequence or later, which no longer names
 * the slot, so no new connection can bind to it, and (b) no connection or template references it any
 * more ({@link ConnectionCounters#references}), so an expiring old connection can never count into
 * (or uncount from) the slot's next owner. See {@link #takeRecyclable} and {@link #release}; whoever
 * recycles must zero the slot's listed counters first ({@code DataPlaneStats.recycleSlots}).
 *
 * <p>When every slot is in use, further objects get {@link #NO_SLOT}: the compiler leaves them out of
 * the snapshot (no counters, no forwarding) and counts them ({@link #unslottedObjects}); they get a
 * slot on a later compile once one is free. Raise {@code -Dlvsd.maxObjects} to avoid it.
 *
 * <p>{@code capacity} is a limit, not an allocation: the per-slot arrays here and in the data plane
 * start at {@link #INITIAL_SLOTS} and grow ({@link #grownLength}) as slots are handed out, so a small
 * table costs little memory however large the limit. The data plane grows its own arrays on its own
 * thread when it installs a snapshot naming a slot beyond them ({@code ForwardingAgent}).
 */
public final class CounterSlots {
    public static final int TOTALS = 0;
    /** {@link #slotFor} when every slot is taken. */
    public static final int NO_SLOT = -1;
    private static final long NONE = Long.MIN_VALUE;
    /** Per-slot arrays start this long (or at the capacity, if smaller). */
    public static final int INITIAL_SLOTS = 16_384;
    /** Growth is rounded up to this many slots. */
    private static final int GROWTH_STEP = 4_096;

    private final Long2LongHashMap slotById = new Long2LongHashMap(-1);
    private final int capacity;
    /** Per slot: the id owning it ({@link #NONE} when free or retired) and the compile that last saw it. */
    private long[] owner;
    private long[] seenInCompile;
    /** Slots never used yet start here. */
    private int next = 1;
    private final IntArrayList free = new IntArrayList();
    private final IntArrayList retiredSlots = new IntArrayList();
    private final LongArrayList retiredAt = new LongArrayList();
    private long sequence;
    private int unslottedThisCompile;
    private int unslotted;

    /** @param capacity slots in all, including the totals (at least 2) */
    public CounterSlots(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity " + capacity + " < 2");
        }
        this.capacity = capacity;
        this.owner = new long[Math.min(capacity, INITIAL_SLOTS)];
        this.seenInCompile = new long[owner.length];
        Arrays.fill(owner, NONE);
    }

    /**
     * The length a per-slot array of {@code current} slots grows to so that it holds {@code needed}:
     * at least half as long again (few copies during a long {@code -R}), rounded up to
     * {@value #GROWTH_STEP}, never beyond {@code capacity}; {@code current} when it already holds them.
     */
    public static int grownLength(int current, int needed, int capacity) {
        if (needed <= current) {
            return current;
        }
        long target = Math.max(needed, current + (long) current / 2);
        target = (target + GROWTH_STEP - 1) / GROWTH_STEP * GROWTH_STEP;
        return (int) Math.max(needed, Math.min(target, capacity));
    }

    /** Starts a compile: returns its sequence number (what the snapshot carries, 1, 2, ...). */
    public synchronized long beginCompile() {
        unslottedThisCompile = 0;
        return ++sequence;
    }

    /**
     * The slot of {@code id}, allocating one on first use (a recycled one first), and marks it seen by
     * the current compile; {@link #NO_SLOT} when every slot is in use or waiting to be recycled.
     */
    public synchronized int slotFor(long id) {
        long existing = slotById.get(id);
        int slot;
        if (existing >= 0) {
            slot = (int) existing;
        } else if (!free.isEmpty()) {
            slot = free.removeAt(free.size() - 1);
        } else if (next < capacity) {
            if (next == owner.length) {
                int length = grownLength(owner.length, next + 1, capacity);
                int old = owner.length;
                owner = Arrays.copyOf(owner, length);
                Arrays.fill(owner, old, length, NONE);
                seenInCompile = Arrays.copyOf(seenInCompile, length);
            }
            slot = next++;
        } else {
            unslottedThisCompile++;
            return NO_SLOT;
        }
        if (existing < 0) {
            slotById.put(id, slot);
            owner[slot] = id;
        }
        seenInCompile[slot] = sequence;
        return slot;
    }

    /** Objects that could not be given a slot: {@code n} more in the current compile (e.g. a skipped service's real servers). */
    public synchronized void countUnslotted(int n) {
        unslottedThisCompile += n;
    }

    /**
     * Ends compile {@code compileSequence}: every slot it did not see retires, stamped with it (its object
     * left the table; ids are never reused, so it cannot come back).
     */
    public synchronized void endCompile(long compileSequence) {
        for (int slot = 1; slot < next; slot++) {
            if (owner[slot] != NONE && seenInCompile[slot] != compileSequence) {
                slotById.remove(owner[slot]);
                owner[slot] = NONE;
                retiredSlots.addInt(slot);
                retiredAt.addLong(compileSequence);
            }
        }
        unslotted = unslottedThisCompile;
    }

    /**
     * Removes and returns the retired slots that may be reused: retired by a compile at or before
     * {@code installedSequence} (the snapshot the data plane forwards with) and referenced by no
     * connection. The caller zeroes their listed counters, then {@link #release}s them.
     */
    public synchronized int[] takeRecyclable(long installedSequence, ConnectionCounters connections) {
        IntArrayList ready = new IntArrayList();
        int kept = 0;
        for (int i = 0; i < retiredSlots.size(); i++) {
            int slot = retiredSlots.getInt(i);
            long at = retiredAt.getLong(i);
            if (at <= installedSequence && connections.references(slot) == 0) {
                ready.addInt(slot);
            } else {
                retiredSlots.setInt(kept, slot);
                retiredAt.setLong(kept, at);
                kept++;
            }
        }
        while (retiredSlots.size() > kept) {
            retiredSlots.removeAt(retiredSlots.size() - 1);
            retiredAt.removeAt(retiredAt.size() - 1);
        }
        return ready.toIntArray();
    }

    /** Makes a slot from {@link #takeRecyclable} available to new objects. */
    public synchronized void release(int slot) {
        free.addInt(slot);
    }

    /** The slot of {@code id}, or -1 if it has none (never compiled, deleted, or beyond capacity). */
    public synchronized int existingSlot(long id) {
        return (int) slotById.get(id);
    }

    /** Objects the last finished compile left out for want of a slot. */
    public synchronized int unslottedObjects() {
        return unslotted;
    }

    /** Slots retired and not yet recycled (waiting for the data plane or for connections to expire). */
    public synchronized int retiredCount() {
        return retiredSlots.size();
    }

    /** One past the highest slot ever handed out: slots at or above it have never been used. */
    public synchronized int highWater() {
        return next;
    }

    public int capacity() {
        return capacity;
    }
}
