package lvs.io;

import org.agrona.DirectBuffer;

/**
 * Moves Ethernet frames between network interfaces and one data-plane thread, in batches.
 *
 * <p>Contract shared by every backend (and checked by the contract suite in the test fixtures):
 * <ul>
 *   <li>single-threaded: one agent thread calls everything; no locks inside;</li>
 *   <li>no allocation per frame on {@link #poll}, {@link #send} or {@link #flush};</li>
 *   <li>{@link #poll} never blocks; {@link #awaitFrames} is the only call that may sleep;</li>
 *   <li>frames the backend itself transmitted are never received again (AF_PACKET's
 *       {@code PACKET_IGNORE_OUTGOING});</li>
 *   <li>failures on the packet path are counted in {@link #counters()}, never thrown.</li>
 * </ul>
 */
public interface PacketIo extends AutoCloseable {
    /**
     * Delivers up to {@code limit} received frames, from any of the backend's interfaces, to
     * {@code handler}. Returns the number delivered (0 when nothing is waiting).
     */
    int poll(FrameHandler handler, int limit);

    /**
     * Queues a copy of a frame for transmission on interface {@code ifIndex}. Returns false (and counts
     * a drop) when the interface is not one of this backend's, the frame is too large, or the transmit
     * batch is full; a full batch is flushed by the caller, who may then retry.
     */
    boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload);

    /**
     * Hands every queued frame to the kernel or device. Returns how many were accepted; the rest are
     * counted as transmit drops (a full device queue is not retried, like a NIC ring overflow).
     */
    int flush();

    /** Waits until a frame may be available or {@code timeoutNs} passes; spurious wake-ups are allowed. */
    void awaitFrames(long timeoutNs);

    /** Kernel interface indexes this backend receives from and can send to. */
    int[] interfaces();

    /** Frame and drop counters; written by the agent thread only. */
    PacketIoCounters counters();

    /** Releases sockets and native memory. Idempotent. */
    @Override
    void close();
}
