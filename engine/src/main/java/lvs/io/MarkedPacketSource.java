package lvs.io;

/**
 * A second way into the data plane, beside {@link PacketIo}: packets the kernel hands over after its
 * own hooks ran, with their firewall mark (lvsd's NFQUEUE reader). Same threading and allocation rules
 * as {@link PacketIo#poll}.
 */
public interface MarkedPacketSource extends AutoCloseable {
    /** Delivers up to {@code limit} waiting packets to {@code handler}; never blocks. */
    int poll(MarkedFrameHandler handler, int limit);

    /** A file descriptor that becomes readable when packets wait (for the agent's idle poll). */
    int fd();

    @Override
    void close();
}
