package lvs.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import lvs.snapshot.CounterSlots;

/**
 * Per-slot counters (see {@code lvs.snapshot.CounterSlots}: slot 0 = totals, then one per service and
 * per real server): the kernel's {@code ip_vs_stats}. Connection counts are
 * {@link lvs.conn.DestinationCounters}, indexed by the same slots. Written only by the
 * data-plane thread (release stores, no read-modify-write atomics), read by the control thread.
 * They live outside the snapshot so that a new snapshot keeps them.
 *
 * <p>A {@linkplain #growable growable} instance starts small and is grown by its writer, the
 * data-plane thread, before it installs a snapshot naming a slot beyond it ({@link #ensureSlots}):
 * the writer copies, then publishes the new array, then goes on writing there, so no count is lost
 * and a reader sees either array with consistent values. Slots the array does not reach yet read 0.
 */
public final class DataPlaneCounters {
    public static final int CONNS = 0;
    public static final int IN_PACKETS = 1;
    public static final int OUT_PACKETS = 2;
    public static final int IN_BYTES = 3;
    public static final int OUT_BYTES = 4;
    private static final int FIELDS = 5;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** FIELDS per slot; replaced (never shrunk) only by the writer in {@link #ensureSlots}. */
    private volatile long[] values;
    private final int slots;

    /** Counters for {@code slots} slots, all allocated now. */
    public DataPlaneCounters(int slots) {
        this(slots, slots);
    }

    private DataPlaneCounters(int allocated, int slots) {
        this.slots = slots;
        this.values = new long[allocated * FIELDS];
    }

    /** Counters for up to {@code slots} slots, allocated as {@link #ensureSlots} asks. */
    public static DataPlaneCounters growable(int slots) {
        return new DataPlaneCounters(Math.min(slots, CounterSlots.INITIAL_SLOTS), slots);
    }

    /** The limit: slots this instance may grow to. */
    public int slots() {
        return slots;
    }

    /** Slots allocated now. */
    public int allocatedSlots() {
        return values.length / FIELDS;
    }

    /**
     * Data-plane thread only (the writer), before a snapshot naming slots below {@code needed} is
     * installed: grows the array to hold them (at most {@link #slots()}). Allocates only when growing.
     */
    public void ensureSlots(int needed) {
        long[] v = values;
        int have = v.length / FIELDS;
        int length = CounterSlots.grownLength(have, Math.min(needed, slots), slots);
        if (length != have) {
            values = Arrays.copyOf(v, length * FIELDS); // plain copy: this thread wrote every value
        }
    }

    /** Data-plane thread only. Ignores slot -1 (an object the slot table had no room for). */
    public void add(int slot, int field, long delta) {
        if (slot >= 0) {
            long[] v = values;
            int i = slot * FIELDS + field;
            LONGS.setRelease(v, i, v[i] + delta);
        }
    }

    /** Counts one packet of {@code bytes} in a direction for the totals, a service and a destination. */
    public void countPacket(int serviceSlot, int destinationSlot, boolean in, int bytes) {
        int packets = in ? IN_PACKETS : OUT_PACKETS;
        int octets = in ? IN_BYTES : OUT_BYTES;
        add(0, packets, 1);
        add(0, octets, bytes);
        add(serviceSlot, packets, 1);
        add(serviceSlot, octets, bytes);
        add(destinationSlot, packets, 1);
        add(destinationSlot, octets, bytes);
    }

    /** Any thread; 0 for slot -1 and for slots not allocated yet (nothing has counted there). */
    public long get(int slot, int field) {
        long[] v = values;
        int i = slot * FIELDS + field;
        return slot < 0 || i >= v.length ? 0 : (long) LONGS.getAcquire(v, i);
    }
}
