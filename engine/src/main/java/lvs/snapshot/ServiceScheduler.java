package lvs.snapshot;

import lvs.packet.FlowKey;

/**
 * A scheduler instance bound to one service, as the data plane calls it: the seam between the
 * snapshot and the scheduler SPI of the {@code schedulers} module (the composition root adapts one to
 * the other). Called on the data-plane thread only; must not allocate.
 */
public interface ServiceScheduler {
    /** {@link #pick} result when no destination can take the connection. */
    int NONE = -1;

    /**
     * Chooses a destination for a new connection to service {@code service} of {@code snapshot}.
     *
     * @return an index into the snapshot's destination arrays within that service's range, or {@link #NONE}
     */
    int pick(TableSnapshot snapshot, int service, FlowKey flow, ConnectionCounters counters);

    /**
     * Data-plane thread, on installing {@code snapshot}: here is the service as it is now; compare with
     * the last snapshot seen and apply whatever changed (nothing, usually).
     */
    default void destinationsChanged(TableSnapshot snapshot, int service) {
    }

    /** Creates a scheduler for the ipvsadm token {@code name} ({@code -s}); null if unknown. */
    @FunctionalInterface
    interface Factory {
        ServiceScheduler create(String name);
    }
}
