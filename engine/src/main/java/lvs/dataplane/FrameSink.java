package lvs.dataplane;

import org.agrona.DirectBuffer;

/**
 * Where the data plane sends a finished Ethernet frame: the transmit side of the packet I/O of
 * interface {@code ifIndex}. Implementations batch and must not allocate.
 */
@FunctionalInterface
public interface FrameSink {
    /**
     * Queues {@code length} bytes at {@code offset} for interface {@code ifIndex}.
     *
     * @param offload packed {@link lvs.io.Offload} metadata received with the frame (CHECKSUM_PARTIAL,
     *                GSO), passed on so that the kernel completes the checksum or segments on the way out
     * @return false if the frame was dropped (queue full, unknown interface)
     */
    boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload);
}
