package lvs.io.afpacket;

/**
 * Whether a socket's {@code recvmmsg} is worth its system call in this duty cycle. Under one-way load
 * one interface is busy and the other empty, and every cycle used to pay an empty {@code recvmmsg} (about
 * a microsecond, half of all receive calls in the UDP benchmark) on the quiet one.
 *
 * <p>The data-plane loop calls {@code poll(2)} only when a whole cycle found nothing, so under load there
 * is no fresh readiness report to go by, and asking for one (a {@code poll} with timeout 0 per cycle) would
 * cost the system call it saves. The cheap evidence is the socket's own last answer: a socket that was
 * found empty, by a {@code recvmmsg} that returned nothing or by {@code poll(2)}'s {@code revents}, is
 * <em>quiet</em> and is skipped until either {@code poll(2)} reports it readable (the loop idles only after
 * a cycle in which every socket was read or skipped, and its {@code poll} watches every socket, so a
 * quiet socket never makes it sleep past a frame) or {@value #RECHECK_NS} ns have passed since it was found
 * empty (a busy neighbour keeps the loop from idling; this bounds how much later a frame on the quiet
 * interface is read than it would have been: 50 µs, well below the ring's 1 ms block timeout and a
 * fraction of the HTTP benchmark's p50). A socket that returned frames stays open and is read every cycle.
 * Pure bookkeeping, allocation-free; {@link AfPacketSocket} makes the calls.
 */
final class RecvmmsgGate {
    static final long RECHECK_NS = 50_000L;

    private boolean quiet;
    private long quietSinceNs;

    /** True when the socket should be read at {@code nowNs}: not quiet, or quiet for long enough. */
    boolean due(long nowNs) {
        return !quiet || nowNs - quietSinceNs >= RECHECK_NS;
    }

    /**
     * Records what a {@code recvmmsg} or a {@code poll(2)} found at {@code nowNs}: frames (or an error or
     * hang-up to collect: {@code readable}) or nothing.
     */
    void found(boolean readable, long nowNs) {
        quiet = !readable;
        if (!readable) {
            quietSinceNs = nowNs;
        }
    }
}
