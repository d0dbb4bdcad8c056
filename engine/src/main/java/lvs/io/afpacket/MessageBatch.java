package lvs.io.afpacket;

import lvs.io.NativeMemory;

/**
 * A reusable array of {@code struct mmsghdr} for {@code recvmmsg}/{@code sendmmsg}, one iovec per
 * message pointing at a fixed slot of a frame area. Built once; per call only {@code iov_len} (send)
 * changes and the kernel writes {@code msg_len}.
 *
 * <p>x86-64 layouts: {@code mmsghdr} is 64 bytes ({@code msg_iov}@16, {@code msg_iovlen}@24,
 * {@code msg_len}@56); {@code iovec} is 16 bytes ({@code iov_base}@0, {@code iov_len}@8).
 */
final class MessageBatch {
    static final int MMSGHDR_SIZE = 64;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_LEN = 56;
    private static final int IOVEC_SIZE = 16;

    final NativeMemory frames;
    final NativeMemory headers;
    final int slotSize;
    final int count;
    private final int iovecBase;

    MessageBatch(int count, int slotSize) {
        this.count = count;
        this.slotSize = slotSize;
        frames = NativeMemory.mapped(count * slotSize); // slots sized for GSO frames: mostly untouched
        iovecBase = count * MMSGHDR_SIZE;
        headers = new NativeMemory(iovecBase + count * IOVEC_SIZE);
        for (int i = 0; i < count; i++) {
            long iovec = headers.address + iovecBase + (long) i * IOVEC_SIZE;
            headers.buffer.putLong(i * MMSGHDR_SIZE + MSG_IOV, iovec);
            headers.buffer.putLong(i * MMSGHDR_SIZE + MSG_IOVLEN, 1L);
            headers.buffer.putLong(iovecBase + i * IOVEC_SIZE, frames.address + (long) i * slotSize);
            iovecLength(i, slotSize);
        }
    }

    /** Address of message {@code i}, for passing a tail of the batch to a syscall. */
    long messageAddress(int i) {
        return headers.address + (long) i * MMSGHDR_SIZE;
    }

    /** Index of slot {@code i}'s first byte in {@link #frames}. */
    int slotOffset(int i) {
        return i * slotSize;
    }

    void iovecLength(int i, int length) {
        headers.buffer.putLong(iovecBase + i * IOVEC_SIZE + 8, length);
    }

    /** Bytes the kernel reported for message {@code i} after {@code recvmmsg}. */
    int receivedLength(int i) {
        return headers.buffer.getInt(i * MMSGHDR_SIZE + MSG_LEN);
    }
}
