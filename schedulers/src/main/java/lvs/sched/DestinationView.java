package lvs.sched;

/**
 * A read-only, indexed view of one virtual service's destinations (real servers), in the kernel's list
 * order: <b>newest first</b>, because {@code ip_vs_add_dest} links a new destination at the head.
 *
 * <p>The engine implements this over primitive arrays; every accessor must be a plain load (no allocation,
 * no locks), because least-connection schedulers call them for every destination on every pick (through
 * {@link #connectionLoad} and {@link #expectedDelayLoad}, which pack the four facts they need in one word).
 * The two service-level facts schedulers read live here too, so a pick needs only this view and the flow.
 */
public interface DestinationView {
    int AF_INET = 2;
    int AF_INET6 = 10;

    /** Number of destinations. */
    int count();

    /** Current weight, {@code >= 0}. 0 means quiesced: no new connections. */
    int weight(int index);

    /**
     * The latest non-zero weight ({@code dest->last_weight}): set to the weight when the destination is added,
     * and on every edit whose new weight is not 0. Only mh reads it, so a quiesced server keeps its slots.
     */
    int lastWeight(int index);

    int activeConnections(int index);

    int inactiveConnections(int index);

    /** The OVERLOAD flag, driven by the -x/-y thresholds (see {@link OverloadThresholds}). */
    boolean overloaded(int index);

    /**
     * The AVAILABLE flag: true while the destination is in the service. A view normally shows only available
     * destinations; lblc, lblcr and dh still check it, as the kernel does.
     */
    boolean available(int index);

    /** The service's address family, {@link #AF_INET} or {@link #AF_INET6}; destinations are hashed with it. */
    int addressFamily();

    /** The destination's IPv4 address as a big-endian int (10.0.0.1 is {@code 0x0a000001}). */
    int ipv4Address(int index);

    /** Word {@code 0..3} of the destination's IPv6 address, each a big-endian int. */
    int ipv6AddressWord(int index, int word);

    /** The destination's port, 0..65535. */
    int port(int index);

    /** The service's scheduler flags ({@code -b}): {@link SchedulerFlags}; read per pick, as the kernel does. */
    int schedulerFlags();

    /**
     * What lc, wlc, lblc and lblcr read per destination: {@link LoadWord#connectionLoad} of this destination
     * (overhead {@code (active << 8) + inactive} and weight in one word, 0 when OVERLOADED). A view that keeps
     * the words ready (as {@link DestinationArrays} does) answers with one load; it must equal this default.
     */
    default long connectionLoad(int index) {
        return LoadWord.connectionLoad(overloaded(index), weight(index), activeConnections(index),
            inactiveConnections(index));
    }

    /** What sed and nq read per destination: {@link LoadWord#expectedDelayLoad} ({@code active + 1}, weight). */
    default long expectedDelayLoad(int index) {
        return LoadWord.expectedDelayLoad(overloaded(index), weight(index), activeConnections(index));
    }
}
