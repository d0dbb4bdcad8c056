package lvs.sched;

/**
 * {@code mh} (ip_vs_mh.c): Maglev consistent hashing over a {@link MaglevTable} (4093 slots by default).
 * The client address (plus its port with mh-port, flag-2) picks slot {@code hsiphash(port + fold(saddr)) % M}.
 * A destination set to weight 0 keeps its slots (via last_weight) but is unavailable, like one with OVERLOAD:
 * the pick fails, or with mh-fallback (flag-1) re-hashes with a rotating offset until it finds an available
 * destination, stopping at an empty slot.
 */
public final class MaglevHashingScheduler implements Scheduler {
    public static final String NAME = "mh";

    private final MaglevTable table;

    public MaglevHashingScheduler(SchedulerSettings settings) {
        table = new MaglevTable(settings.mhTableIndex());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int flags = dests.schedulerFlags();
        int port = KernelHash.hashedSourcePort(flow, (flags & SchedulerFlags.PORT) != 0);
        int address = KernelHash.foldedSource(flow);
        int[] slots = table.slots;
        int size = table.size;
        int initialSlot = table.slotOf(table.hash1.hash(MaglevTable.key(0, port, address)));
        int dest = slots[initialSlot];
        if (dest == NONE) {
            return NONE;
        }
        if (usable(dests, dest)) {
            return dest;
        }
        if ((flags & SchedulerFlags.FALLBACK) == 0) {
            return NONE;
        }
        for (int offset = 0; offset < size; offset++) {
            // The rotated offset goes into the hash input, not onto the slot number.
            int rotated = (offset + initialSlot) % size;
            dest = slots[table.slotOf(table.hash1.hash(MaglevTable.key(rotated, port, address)))];
            if (dest == NONE) {
                return NONE;
            }
            if (usable(dests, dest)) {
                return dest;
            }
        }
        return NONE;
    }

    private static boolean usable(DestinationView dests, int dest) {
        return dest < dests.count() && dests.weight(dest) > 0 && !dests.overloaded(dest);
    }

    @Override
    public void onBound(DestinationView dests) {
        table.rebuild(dests);
    }

    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        table.rebuild(dests);
    }

    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        table.rebuild(dests);
    }

    @Override
    public void onDestinationUpdated(DestinationView dests, int index) {
        table.rebuild(dests);
    }

    /** The table as destination indices, for tests. */
    int[] table() {
        return table.slots.clone();
    }
}
