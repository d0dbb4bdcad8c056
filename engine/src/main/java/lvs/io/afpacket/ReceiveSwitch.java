package lvs.io.afpacket;

/**
 * When an interface's frames go to the {@code recvmmsg} socket and when to the TPACKET_V3 ring
 * (feasibility pitfall 6): the ring costs about 40 % less CPU per frame (no syscall per batch) but
 * hands a partly filled block over only when its retire timer fires, which adds up to that timeout
 * (1 ms) to every frame of a sparse flow. So frames go to {@code recvmmsg} (each readable the moment it
 * arrives) until the interface receives {@code switchPps} frames per second over a 10 ms window, and back
 * once the rate has stayed below half of that for ten windows in a row (hysteresis: a burst does not
 * flap). Pure bookkeeping; {@link AfPacketSocket} does the steering.
 */
final class ReceiveSwitch {
    static final long WINDOW_NS = 10_000_000L;
    static final int CALM_WINDOWS = 10;

    private final long upPps;
    private final long downPps;
    private boolean ring;
    private long windowStartNs;
    private long windowFrames;
    private int calmWindows;

    ReceiveSwitch(int switchPps, long nowNs) {
        upPps = switchPps;
        downPps = switchPps / 2;
        windowStartNs = nowNs;
    }

    /** True while frames should go to the ring. */
    boolean ringActive() {
        return ring;
    }

    /**
     * Counts {@code frames} received by {@code nowNs}; true when the receive path should change now
     * ({@link #ringActive} already tells the new one).
     */
    boolean account(int frames, long nowNs) {
        windowFrames += frames;
        long elapsed = nowNs - windowStartNs;
        if (elapsed < WINDOW_NS) {
            return false;
        }
        long pps = windowFrames * 1_000_000_000L / elapsed;
        windowStartNs = nowNs;
        windowFrames = 0;
        if (!ring) {
            if (pps >= upPps) {
                ring = true;
                calmWindows = 0;
                return true;
            }
            return false;
        }
        if (pps >= downPps) {
            calmWindows = 0;
            return false;
        }
        if (++calmWindows < CALM_WINDOWS) {
            return false;
        }
        ring = false;
        calmWindows = 0;
        return true;
    }

    /** The kernel refused the change {@link #account} asked for: stay where we were. */
    void revert() {
        ring = !ring;
    }
}
