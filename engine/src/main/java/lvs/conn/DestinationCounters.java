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

    private final int[] active;
    private final int[] inactive;
    private final int[] persistent;
    private final int[] upperThreshold;
    private final int[] lowerThreshold;
    private final int[] overloaded;
    /** Entries recording the slot as service or destination (what recycling a slot waits for). */
    private final int[] references;

    public DestinationCounters(int maxDestinations) {
        active = new int[maxDestinations];
        inactive = new int[maxDestinations];
        persistent = new int[maxDestinations];
        upperThreshold = new int[maxDestinations];
        lowerThreshold = new int[maxDestinations];
        overloaded = new int[maxDestinations];
        references = new int[maxDestinations];
    }

    public int capacity() {
        return active.length;
    }

    /** ActiveConn of {@code dest}: TCP connections in ESTABLISHED, SYN_SENT, SYN_RECV or SYNACK. */
    @Override
    public int active(int dest) {
        return (int) INTS.getAcquire(active, dest);
    }

    /** InActConn of {@code dest}: every other connection, UDP included. */
    @Override
    public int inactive(int dest) {
        return (int) INTS.getAcquire(inactive, dest);
    }

    /** PersistConn of {@code dest}: templates bound to it. */
    @Override
    public int persistent(int dest) {
        return (int) INTS.getAcquire(persistent, dest);
    }

    /** Connections and templates recording {@code slot} as their service or destination (any thread). */
    @Override
    public int references(int slot) {
        return (int) INTS.getAcquire(references, slot);
    }

    /** An entry now records {@code slot} (service or destination); -1 and out-of-range slots are ignored. */
    void hold(int slot) {
        if (slot >= 0 && slot < references.length) {
            add(references, slot, 1);
        }
    }

    /** The entry that {@link #hold} counted is freed. */
    void release(int slot) {
        if (slot >= 0 && slot < references.length) {
            add(references, slot, -1);
        }
    }

    /** Whether the destination is OVERLOADED (schedulers skip it). */
    public boolean isOverloaded(int dest) {
        return (int) INTS.getAcquire(overloaded, dest) != 0;
    }

    /**
     * Sets {@code -x}/{@code -y} (0 = none). As in the kernel, editing clears OVERLOAD at once when the
     * new upper threshold is 0 or larger than the old one. Call on the data-plane thread.
     */
    public void setThresholds(int dest, int upper, int lower) {
        int oldUpper = upperThreshold[dest];
        upperThreshold[dest] = upper;
        lowerThreshold[dest] = lower;
        if (upper == 0 || upper > oldUpper) {
            INTS.setRelease(overloaded, dest, 0);
        }
    }

    /**
     * Resets a slot's counts, thresholds and OVERLOAD for a new owner (its references are 0 by then, see
     * {@code CounterSlots}). Call on the data-plane thread.
     */
    public void reset(int dest) {
        INTS.setRelease(active, dest, 0);
        INTS.setRelease(inactive, dest, 0);
        INTS.setRelease(persistent, dest, 0);
        upperThreshold[dest] = 0;
        lowerThreshold[dest] = 0;
        INTS.setRelease(overloaded, dest, 0);
    }

    /** ip_vs_bind_dest: count a new entry (inactive, or persistent for a template), then check u_threshold. */
    void bind(int dest, boolean template, boolean inactiveFlag) {
        if (template) {
            add(persistent, dest, 1);
        } else if (inactiveFlag) {
            add(inactive, dest, 1);
        } else {
            add(active, dest, 1);
        }
        int upper = upperThreshold[dest];
        if (upper != 0 && active[dest] + inactive[dest] >= upper) {
            INTS.setRelease(overloaded, dest, 1);
        }
    }

    /** ip_vs_unbind_dest: uncount an expiring entry, then maybe clear OVERLOAD. */
    void unbind(int dest, boolean template, boolean inactiveFlag) {
        if (template) {
            add(persistent, dest, -1);
        } else if (inactiveFlag) {
            add(inactive, dest, -1);
        } else {
            add(active, dest, -1);
        }
        if (overloaded[dest] == 0) {
            return;
        }
        int total = active[dest] + inactive[dest];
        int lower = lowerThreshold[dest];
        int upper = upperThreshold[dest];
        boolean clear;
        if (lower != 0) {
            clear = total < lower;
        } else if (upper != 0) {
            clear = (long) total * 4 < (long) upper * 3;
        } else {
            clear = true;
        }
        if (clear) {
            INTS.setRelease(overloaded, dest, 0);
        }
    }

    /** A TCP state change between the active and inactive groups. */
    void becameActive(int dest) {
        add(inactive, dest, -1);
        add(active, dest, 1);
    }

    void becameInactive(int dest) {
        add(active, dest, -1);
        add(inactive, dest, 1);
    }

    private static void add(int[] counts, int dest, int delta) {
        INTS.setRelease(counts, dest, counts[dest] + delta);
    }
}
