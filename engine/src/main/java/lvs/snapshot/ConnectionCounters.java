package lvs.snapshot;

/** Active and inactive connection counts per counter slot, as schedulers and {@code -L} read them. */
public interface ConnectionCounters {
    int active(int slot);

    int inactive(int slot);

    int persistent(int slot);

    /**
     * Connection entries (connections and templates) that record {@code slot} as their service or
     * destination; a slot is recycled only at 0 (see {@link CounterSlots}).
     */
    default int references(int slot) {
        return active(slot) + inactive(slot) + persistent(slot);
    }
}
