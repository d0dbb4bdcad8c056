package lvs.io;

import org.agrona.MutableDirectBuffer;

/**
 * Receives frames from {@link PacketIo#poll}. The buffer region is only valid during the call (the
 * backend reuses it for the next batch); the handler may rewrite it in place and pass it straight to
 * {@link PacketIo#send}, which copies.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param ifIndex the kernel interface index the frame arrived on
     * @param buffer  the backend's receive buffer
     * @param offset  index of the frame's first (Ethernet) byte
     * @param length  frame length in bytes (no FCS)
     * @param offload packed {@link Offload} metadata, {@link Offload#NONE} for an ordinary frame
     */
    void onFrame(int ifIndex, MutableDirectBuffer buffer, int offset, int length, long offload);
}
