package lvs.bench;

import lvs.io.FrameHandler;
import lvs.io.PacketIo;
import lvs.io.PacketIoCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link PacketIo} for benchmarks that hands the data plane prepared frames round-robin, a batch per
 * poll, and throws away what it sends. Each frame is copied into one receive buffer first, because the
 * data plane rewrites frames in place. Allocates nothing after construction.
 */
final class ReplayPacketIo implements PacketIo {
    private final int ifIndex;
    private UnsafeBuffer[] frames;
    private final int batch;
    private final UnsafeBuffer receive = new UnsafeBuffer(new byte[2048]);
    private final PacketIoCounters counters = new PacketIoCounters();
    private int next;
    long sent;

    ReplayPacketIo(int ifIndex, UnsafeBuffer[] frames, int batch) {
        this.ifIndex = ifIndex;
        this.frames = frames;
        this.batch = batch;
    }

    /** From the next poll on, hands out {@code next} instead (from its first frame); none if empty. */
    void replay(UnsafeBuffer[] nextFrames) {
        frames = nextFrames;
        next = 0;
    }

    @Override
    public int poll(FrameHandler handler, int limit) {
        int n = frames.length == 0 ? 0 : Math.min(limit, batch);
        for (int i = 0; i < n; i++) {
            UnsafeBuffer frame = frames[next];
            next = next + 1 == frames.length ? 0 : next + 1;
            int length = frame.capacity();
            receive.putBytes(0, frame, 0, length);
            handler.onFrame(ifIndex, receive, 0, length, 0L);
        }
        return n;
    }

    @Override
    public boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload) {
        sent++;
        return true;
    }

    @Override
    public int flush() {
        return 0;
    }

    @Override
    public void awaitFrames(long timeoutNs) {
    }

    @Override
    public int[] interfaces() {
        return new int[] {ifIndex};
    }

    @Override
    public PacketIoCounters counters() {
        return counters;
    }

    @Override
    public void close() {
    }
}
