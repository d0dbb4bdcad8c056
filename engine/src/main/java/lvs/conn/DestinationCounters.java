package lvs.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import lvs.snapshot.ConnectionCounters;

/**
 * Per-destination connection counts ({@code activeconns}, {@code inactconns}, {@code persistconns}),
 * the connection thresholds and the OVERLOAD flag, indexed by dense destination id.
 *
 * <p>Written only by the data-plane thread that owns the connections; schedulers on that thread read
 * them plainly. The control thread may read them at any time for listings: writes are release stores
 * and reads by other threads are acquire loads, so a reader sees each counter's latest or a recent
 * value, never a torn one. Destination ids must stay stable while connections reference them (the
 * kernel keeps deleted destinations in a "trash" list for the same reason); this lives outside the
 * table snapshot so that {@code ipvsadm -e} keeps the counts.
 */
public final class DestinationCounters implements ConnectionCounters {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /**
     * The per-slot arrays, replaced as a whole (never shrunk) by the writer in {@link #ensureSlots}; every
     * method reads this field once, so it uses one consistent set.
     */
    private volatile Arrays arrays;
    private final int capacity;

    private static final class Arrays {
        final int[] active;
        final int[] inactive;
        final int[] persistent;
        final int[] upperThreshold;
        final int[] lowerThreshold;
        final int[] overloaded;
        /** Entries recording the slot as service or destination (what recycling a slot waits for). */
        final int[] references;

        Arrays(int n) {
            this(new int[n], new int[n], new int[n], new int[n], new int[n], new int[n], new int[n]);
        }

        Arrays(int[] active, int[] inactive, int[] persistent, int[] upper, int[] lower, int[] overloaded,
               int[] references) {
            this.active = active;
            this.inactive = inactive;
            this.persistent = persistent;
            this.upperThreshold = upper;
            this.lowerThreshold = lower;
            this.overloaded = overloaded;
            this.references = references;
        }

        Arrays copyOf(int n) {
            return new Arrays(java.util.Arrays.copyOf(active, n), java.util.Arrays.copyOf(inactive, n),
                java.util.Arrays.copyOf(persistent, n), java.util.Arrays.copyOf(upperThreshold, n),
                java.util.Arrays.copyOf(lowerThreshold, n), java.util.Arrays.copyOf(overloaded, n),
                java.util.Arrays.copyOf(references, n));
        }
    }

    /** Counts for {@code maxDestinations} slots, all allocated now. */
    public DestinationCounters(int maxDestinations) {
        this(maxDestinations, maxDestinations);
    }

    private DestinationCounters(int allocated, int capacity) {
        this.capacity = capacity;
        this.arrays = new Arrays(allocated);
    }

    /**
     * Counts for up to {@code maxDestinations} slots, allocated as {@link #ensureSlots} asks (lvsd: a
     * small table costs little memory however high {@code -Dlvsd.maxObjects} is).
     */
    public static DestinationCounters growable(int maxDestinations) {
        return new DestinationCounters(Math.min(maxDestinations, lvs.snapshot.CounterSlots.INITIAL_SLOTS),
            maxDestinations);
    }

    /** The limit: slots this instance may grow to. */
    public int capacity() {
        return capacity;
    }

    /** Slots allocated now. */
    public int allocatedSlots() {
        return arrays.active.length;
    }

    /**
     * Data-plane thread only (the writer), before a snapshot naming slots below {@code needed} is
     * installed: grows the arrays to hold them (at most {@link #capacity()}); the copy is published
     * before anything is written to it, so no count is lost. Allocates only when growing.
     */
    public void ensureSlots(int needed) {
        Arrays a = arrays;
        int have = a.active.length;
        int length = lvs.snapshot.CounterSlots.grownLength(have, Math.min(needed, capacity), capacity);
        if (length != have) {
            arrays = a.copyOf(length);
        }
    }

    /** ActiveConn of {@code dest}: TCP connections in ESTABLISHED, SYN_SENT, SYN_RECV or SYNACK. */
    @Override
    public int active(int dest) {
        int[] active = arrays.active;
        return dest < active.length ? (int) INTS.getAcquire(active, dest) : 0;
    }

    /** InActConn of {@code dest}: every other connection, UDP included. */
    @Override
    public int inactive(int dest) {
        int[] inactive = arrays.inactive;
        return dest < inactive.length ? (int) INTS.getAcquire(inactive, dest) : 0;
    }

    /** PersistConn of {@code dest}: templates bound to it. */
    @Override
    public int persistent(int dest) {
        int[] persistent = arrays.persistent;
        return dest < persistent.length ? (int) INTS.getAcquire(persistent, dest) : 0;
    }

    /** Connections and templates recording {@code slot} as their service or destination (any thread). */
    @Override
    public int references(int slot) {
        int[] references = arrays.references;
        return slot < references.length ? (int) INTS.getAcquire(references, slot) : 0;
    }

    /** An entry now records {@code slot} (service or destination); -1 and out-of-range slots are ignored. */
    void hold(int slot) {
        int[] references = arrays.references;
        if (slot >= 0 && slot < references.length) {
            add(references, slot, 1);
        }
    }

    /** The entry that {@link #hold} counted is freed. */
    void release(int slot) {
        int[] references = arrays.references;
        if (slot >= 0 && slot < references.length) {
            add(references, slot, -1);
        }
    }

    /** Whether the destination is OVERLOADED (schedulers skip it). */
    public boolean isOverloaded(int dest) {
        int[] overloaded = arrays.overloaded;
        return dest < overloaded.length && (int) INTS.getAcquire(overloaded, dest) != 0;
    }

    /**
     * Sets {@code -x}/{@code -y} (0 = none). As in the kernel, editing clears OVERLOAD at once when the
     * new upper threshold is 0 or larger than the old one. Call on the data-plane thread.
     */
    public void setThresholds(int dest, int upper, int lower) {
        Arrays a = arrays;
        int[] upperThreshold = a.upperThreshold;
        int oldUpper = upperThreshold[dest];
        upperThreshold[dest] = upper;
        a.lowerThreshold[dest] = lower;
        if (upper == 0 || upper > oldUpper) {
            INTS.setRelease(a.overloaded, dest, 0);
        }
    }

    /**
     * Resets a slot's counts, thresholds and OVERLOAD for a new owner (its references are 0 by then, see
     * {@code CounterSlots}). Call on the data-plane thread.
     */
    public void reset(int dest) {
        Arrays a = arrays;
        INTS.setRelease(a.active, dest, 0);
        INTS.setRelease(a.inactive, dest, 0);
        INTS.setRelease(a.persistent, dest, 0);
        a.upperThreshold[dest] = 0;
        a.lowerThreshold[dest] = 0;
        INTS.setRelease(a.overloaded, dest, 0);
    }

    /** ip_vs_bind_dest: count a new entry (inactive, or persistent for a template), then check u_threshold. */
    void bind(int dest, boolean template, boolean inactiveFlag) {
        Arrays a = arrays;
        if (template) {
            add(a.persistent, dest, 1);
        } else if (inactiveFlag) {
            add(a.inactive, dest, 1);
        } else {
            add(a.active, dest, 1);
        }
        int upper = a.upperThreshold[dest];
        if (upper != 0 && a.active[dest] + a.inactive[dest] >= upper) {
            INTS.setRelease(a.overloaded, dest, 1);
        }
    }

    /** ip_vs_unbind_dest: uncount an expiring entry, then maybe clear OVERLOAD. */
    void unbind(int dest, boolean template, boolean inactiveFlag) {
        Arrays a = arrays;
        if (template) {
            add(a.persistent, dest, -1);
        } else if (inactiveFlag) {
            add(a.inactive, dest, -1);
        } else {
            add(a.active, dest, -1);
        }
        if (a.overloaded[dest] == 0) {
            return;
        }
        int total = a.active[dest] + a.inactive[dest];
        int lower = a.lowerThreshold[dest];
        int upper = a.upperThreshold[dest];
        boolean clear;
        if (lower != 0) {
            clear = total < lower;
        } else if (upper != 0) {
            clear = (long) total * 4 < (long) upper * 3;
        } else {
            clear = true;
        }
        if (clear) {
            INTS.setRelease(a.overloaded, dest, 0);
        }
    }

    /** A TCP state change between the active and inactive groups. */
    void becameActive(int dest) {
        Arrays a = arrays;
        add(a.inactive, dest, -1);
        add(a.active, dest, 1);
    }

    void becameInactive(int dest) {
        Arrays a = arrays;
        add(a.active, dest, -1);
        add(a.inactive, dest, 1);
    }

    private static void add(int[] counts, int dest, int delta) {
        INTS.setRelease(counts, dest, counts[dest] + delta);
    }
}
