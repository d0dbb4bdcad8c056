package lvs.io;

/**
 * Counters of one {@link PacketIo}: written by its agent thread only (plain increments), read by the
 * control thread for statistics, where slightly stale values are fine.
 */
public final class PacketIoCounters {
    /** Frames delivered to a {@link FrameHandler}. */
    public long rxFrames;
    /** Bytes of the frames delivered. */
    public long rxBytes;
    /** Frames the kernel dropped before we read them (AF_PACKET {@code tp_drops}) or truncated frames. */
    public long rxDropped;
    /** Frames the kernel or device accepted for transmission. */
    public long txFrames;
    /** Bytes of the frames accepted. */
    public long txBytes;
    /** Frames not transmitted: unknown interface, too large, batch full, or refused by the kernel. */
    public long txDropped;
    /** Failed system calls other than "would block" (the last errno is kept for diagnostics). */
    public long ioErrors;
    /** errno of the last failed system call, 0 if none. */
    public int lastErrno;

    /** Sets every counter back to zero. */
    public void reset() {
        rxFrames = 0;
        rxBytes = 0;
        rxDropped = 0;
        txFrames = 0;
        txBytes = 0;
        txDropped = 0;
        ioErrors = 0;
        lastErrno = 0;
    }
}
