package lvs.sched;

/**
 * One scheduling algorithm bound to one virtual service, like the kernel's {@code struct ip_vs_scheduler}
 * plus the {@code sched_data} it keeps per service.
 *
 * <p>Threading and cost: the data plane calls {@link #select} once per new connection (or new persistence
 * template) on the one thread that owns the service, so implementations use no locks. {@code select} never
 * allocates and never throws for an expected condition; "nothing suitable" is {@link #NONE}, and the caller
 * drops the packet and counts it, as {@code ip_vs_leave} does.
 *
 * <p>Hooks: the destination list is the kernel's, newest first. Whoever changes it calls the matching hook
 * afterwards on the same thread, passing the view that already shows the change, exactly where the kernel
 * calls {@code add_dest}, {@code del_dest} and {@code upd_dest}. Hash tables (sh, dh, mh), the wrr cursor and
 * the rr pointer are rebuilt or adjusted there, never per pick.
 */
public interface Scheduler {
    /** "No destination available": the kernel's NULL. */
    int NONE = -1;

    /** The {@code -s} token, e.g. {@code "wlc"}. */
    String name();

    /**
     * Chooses a destination for a new connection.
     *
     * @return an index into {@code destinations}, or {@link #NONE}
     */
    int select(DestinationView destinations, FlowView flow);

    /** The scheduler was bound to a service that already has these destinations ({@code init_service}). */
    default void onBound(DestinationView destinations) {
    }

    /** A destination was added at {@code index} (the kernel always adds at the head: index 0). */
    default void onDestinationAdded(DestinationView destinations, int index) {
    }

    /** The destination that was at {@code formerIndex} has been removed; later ones moved down by one. */
    default void onDestinationRemoved(DestinationView destinations, int formerIndex) {
    }

    /** The destination at {@code index} was edited (weight, thresholds, forwarding method). */
    default void onDestinationUpdated(DestinationView destinations, int index) {
    }
}
