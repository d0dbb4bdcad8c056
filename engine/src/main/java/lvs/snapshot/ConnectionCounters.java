package lvs.snapshot;

/** Active and inactive connection counts per counter slot, as schedulers and {@code -L} read them. */
public interface ConnectionCounters {
    int active(int slot);

    int inactive(int slot);

    int persistent(int slot);
}
