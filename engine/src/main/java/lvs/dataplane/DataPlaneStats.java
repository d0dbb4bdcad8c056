package lvs.dataplane;

import java.util.List;
import java.util.function.Supplier;
import lvs.snapshot.ConnectionCounters;
import lvs.snapshot.CounterSlots;
import lvs.table.ConnectionView;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.StatsSource;

/**
 * The table's {@link StatsSource}: listings read the data plane's counters through it. {@code -Z}
 * never writes the data plane's counters (they have a single writer); it records a baseline, as the
 * kernel's {@code kstats0} does, and listings show current minus baseline. Rates come from a kernel
 * style estimator sampled every 2 s by {@link #sampleRates()}.
 */
public final class DataPlaneStats implements StatsSource {
    private static final int[] FIELDS = {
        DataPlaneCounters.CONNS, DataPlaneCounters.IN_PACKETS, DataPlaneCounters.OUT_PACKETS,
        DataPlaneCounters.IN_BYTES, DataPlaneCounters.OUT_BYTES};

    private final CounterSlots slots;
    private final DataPlaneCounters counters;
    private final ConnectionCounters connectionCounts;
    /**
     * {@code -Z} baselines, {@code FIELDS.length} per slot (flat: no per-slot array objects); grown with
     * the estimator, under this object's lock, to cover the slots handed out ({@link #cover}).
     */
    private long[] baseline;
    private final int slotCount;
    private final KernelRateEstimator estimator;
    private volatile Supplier<List<ConnectionView>> connections = List::of;

    public DataPlaneStats(CounterSlots slots, DataPlaneCounters counters, ConnectionCounters connectionCounts) {
        this.slots = slots;
        this.counters = counters;
        this.connectionCounts = connectionCounts;
        this.slotCount = counters.slots();
        int initial = Math.min(slotCount, CounterSlots.INITIAL_SLOTS);
        this.baseline = new long[initial * FIELDS.length];
        this.estimator = new KernelRateEstimator(initial);
    }

    /** Where {@link #connections()} gets the connection listing (the running data plane). */
    public void connectionSource(Supplier<List<ConnectionView>> source) {
        this.connections = source;
    }

    private long[] current(int slot) {
        long[] v = new long[FIELDS.length];
        for (int f = 0; f < FIELDS.length; f++) {
            v[f] = counters.get(slot, FIELDS[f]);
        }
        return v;
    }

    @Override
    public synchronized Counters counters(long objectId) {
        return countersOfSlot(slots.existingSlot(objectId));
    }

    /** Global totals since the last {@code -Z}. */
    public synchronized Counters totals() {
        return countersOfSlot(CounterSlots.TOTALS);
    }

    private Counters countersOfSlot(int slot) {
        if (slot < 0) {
            return Counters.ZERO;
        }
        long[] v = current(slot);
        int b = slot * FIELDS.length;
        if (b >= baseline.length) { // never zeroed nor sampled yet: baseline 0
            return new Counters(v[0], v[1], v[2], v[3], v[4]);
        }
        return new Counters(v[0] - baseline[b], v[1] - baseline[b + 1], v[2] - baseline[b + 2],
            v[3] - baseline[b + 3], v[4] - baseline[b + 4]);
    }

    @Override
    public synchronized Rates rates(long objectId) {
        int slot = slots.existingSlot(objectId);
        return slot < 0 || slot >= estimator.slots() ? Rates.ZERO : estimator.read(slot);
    }

    /** Grows the baselines and the estimator to hold slots below {@code needed}; caller holds the lock. */
    private void cover(int needed) {
        int have = estimator.slots();
        int length = CounterSlots.grownLength(have, Math.min(needed, slotCount), slotCount);
        if (length != have) {
            baseline = java.util.Arrays.copyOf(baseline, length * FIELDS.length);
            estimator.grow(length);
        }
    }

    @Override
    public ConnectionCounts connectionCounts(long realServerId) {
        int slot = slots.existingSlot(realServerId);
        if (slot < 0) {
            return ConnectionCounts.ZERO;
        }
        return new ConnectionCounts(connectionCounts.active(slot), connectionCounts.inactive(slot),
            connectionCounts.persistent(slot));
    }

    @Override
    public synchronized void zero(long objectId) {
        int slot = slots.existingSlot(objectId);
        if (slot >= 0) {
            zeroSlot(slot);
        }
    }

    @Override
    public synchronized void zeroAll() {
        int used = Math.min(slotCount, slots.highWater());
        cover(used);
        for (int slot = 0; slot < used; slot++) {
            zeroSlot(slot);
        }
    }

    /**
     * Control thread, before a compile: recycles the retired counter slots that nothing references any
     * more (see {@link CounterSlots}), with their listed counters and rates zeroed for the next owner.
     * Like {@code -Z} this moves the baseline and restarts the estimator; the data plane's counters,
     * which only the agent writes, are not touched (nothing writes the slot meanwhile: no snapshot the
     * agent uses names it and no connection records it).
     *
     * @param installedSequence {@link lvs.snapshot.TableSnapshot#sequence} of the snapshot in use
     * @return the number of slots recycled
     */
    public int recycleSlots(long installedSequence) {
        int[] ready = slots.takeRecyclable(installedSequence, connectionCounts);
        if (ready.length == 0) {
            return 0;
        }
        synchronized (this) {
            for (int slot : ready) {
                zeroSlot(slot);
            }
        }
        for (int slot : ready) {
            slots.release(slot);
        }
        return ready.length;
    }

    private void zeroSlot(int slot) {
        cover(slot + 1);
        long[] now = current(slot);
        System.arraycopy(now, 0, baseline, slot * FIELDS.length, FIELDS.length);
        estimator.reset(slot, now);
    }

    @Override
    public List<ConnectionView> connections() {
        return connections.get();
    }

    /** Called every 2 s by the control plane: one estimator step for every slot ever used. */
    public synchronized void sampleRates() {
        int used = Math.min(slotCount, slots.highWater());
        cover(used);
        for (int slot = 0; slot < used; slot++) {
            estimator.sample(slot, current(slot));
        }
    }
}
