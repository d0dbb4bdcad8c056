package lvs.dataplane;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-slot counters (see {@code lvs.snapshot.CounterSlots}: slot 0 = totals, then one per service and
 * per real server): the kernel's {@code ip_vs_stats}. Connection counts are
 * {@link lvs.conn.DestinationCounters}, indexed by the same slots. Written only by the
 * data-plane thread (release stores, no read-modify-write atomics), read by the control thread.
 * They live outside the snapshot so that a new snapshot keeps them.
 */
public final class DataPlaneCounters {
    public static final int CONNS = 0;
    public static final int IN_PACKETS = 1;
    public static final int OUT_PACKETS = 2;
    public static final int IN_BYTES = 3;
    public static final int OUT_BYTES = 4;
    private static final int FIELDS = 5;

    private final AtomicLongArray values;
    private final int slots;

    public DataPlaneCounters(int slots) {
        this.slots = slots;
        this.values = new AtomicLongArray(slots * FIELDS);
    }

    public int slots() {
        return slots;
    }

    /** Data-plane thread only. Ignores slot -1 (an object the slot table had no room for). */
    public void add(int slot, int field, long delta) {
        if (slot >= 0) {
            int i = slot * FIELDS + field;
            values.setRelease(i, values.getPlain(i) + delta);
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

    public long get(int slot, int field) {
        return slot < 0 ? 0 : values.getAcquire(slot * FIELDS + field);
    }
}
