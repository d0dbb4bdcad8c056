package lvs.io.afpacket;

/**
 * When an interface's frames go to the {@code recvmmsg} socket and when to the TPACKET_V3 ring
 * (feasibility pitfall 6). The ring costs less CPU per frame (no syscall per batch) but hands a partly
 * filled block over only when its retire timer fires, which adds up to that timeout (1 ms) to every
 * frame below ~1 Mpps: a sparse flow's round trip goes from ~30 µs to 1 ms, and closed-loop traffic
 * (HTTP clients waiting for answers) slows down with it. So the ring is used only while recvmmsg cannot
 * keep up, the way NAPI switches from interrupts to polling:
 * <ul>
 *   <li>to the ring when, in {@value #BEHIND_WINDOWS} 10 ms windows in a row, recvmmsg calls returned
 *       {@value #BEHIND_BATCH} or more frames on average (frames queue up between reads: lvsd is falling
 *       behind) and the interface received at least {@code minPps} frames per second (a stall at a trickle
 *       is no reason). One window is not enough: under closed-loop load (HTTP clients) a single burst or
 *       GC pause looks like falling behind, and each move to the ring costs every frame up to the block
 *       timeout until the way back;</li>
 *   <li>back to recvmmsg when the rate stayed below 3/4 of the rate that made it fall behind for ten
 *       windows in a row, and in any case after a second on the ring, to try again (if recvmmsg still
 *       falls behind, the next window moves back, its socket buffer holding the frames meanwhile).</li>
 * </ul>
 * Pure bookkeeping; {@link AfPacketSocket} does the steering.
 */
final class ReceiveSwitch {
    static final long WINDOW_NS = 10_000_000L;
    static final int CALM_WINDOWS = 10;
    static final int BEHIND_BATCH = 16;
    static final int BEHIND_WINDOWS = 3;
    static final int RING_WINDOWS_BEFORE_RETRY = 100;

    private final long minPps;
    private boolean ring;
    private long windowStartNs;
    private long windowFrames;
    private long batchCalls;
    private long batchFrames;
    /** The rate at which recvmmsg fell behind, for the way back. */
    private long behindPps;
    private int calmWindows;
    /** recvmmsg windows in a row that fell behind at a rate of at least minPps. */
    private int behindWindows;
    private int ringWindows;

    ReceiveSwitch(int minPps, long nowNs) {
        this.minPps = minPps;
        windowStartNs = nowNs;
    }

    /** True while frames should go to the ring. */
    boolean ringActive() {
        return ring;
    }

    /**
     * Counts {@code frames} received by {@code nowNs}, of which {@code batchFrames} by a recvmmsg call
     * ({@code batchCall}); true when the receive path should change now ({@link #ringActive} already
     * tells the new one).
     */
    boolean account(int frames, boolean batchCall, int batchFrames, long nowNs) {
        windowFrames += frames;
        if (batchCall) {
            batchCalls++;
            this.batchFrames += batchFrames;
        }
        long elapsed = nowNs - windowStartNs;
        if (elapsed < WINDOW_NS) {
            return false;
        }
        long pps = windowFrames * 1_000_000_000L / elapsed;
        boolean behind = batchCalls > 0 && this.batchFrames >= BEHIND_BATCH * batchCalls;
        windowStartNs = nowNs;
        windowFrames = 0;
        batchCalls = 0;
        this.batchFrames = 0;
        if (!ring) {
            behindWindows = behind && pps >= minPps ? behindWindows + 1 : 0;
            if (behindWindows >= BEHIND_WINDOWS) {
                ring = true;
                behindWindows = 0;
                behindPps = pps;
                calmWindows = 0;
                ringWindows = 0;
                return true;
            }
            return false;
        }
        ringWindows++;
        calmWindows = pps * 4 < behindPps * 3 ? calmWindows + 1 : 0;
        if (calmWindows < CALM_WINDOWS && ringWindows < RING_WINDOWS_BEFORE_RETRY) {
            return false;
        }
        ring = false;
        behindWindows = 0;
        return true;
    }

    /** The kernel refused the change {@link #account} asked for: stay where we were. */
    void revert() {
        ring = !ring;
        calmWindows = 0;
        behindWindows = 0;
        ringWindows = 0;
    }
}
