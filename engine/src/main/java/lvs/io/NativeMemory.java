package lvs.io;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A zeroed, page-aligned block of native memory with its address (for syscalls) and an
 * {@link UnsafeBuffer} view (for Java): syscall arguments, AF_PACKET batches and rings' bookkeeping,
 * the AF_XDP UMEM (the kernel pins UMEM pages, so page alignment is required). Backed by a direct
 * ByteBuffer so the GC frees it; the owner must stay reachable as long as the kernel may touch the
 * memory (UMEM: until the socket is closed).
 */
public final class NativeMemory {
    private static final int PAGE = 4096;

    public final ByteBuffer owner;
    public final UnsafeBuffer buffer;
    public final long address;

    public NativeMemory(int size) {
        owner = ByteBuffer.allocateDirect(size + PAGE);
        UnsafeBuffer whole = new UnsafeBuffer(owner);
        long base = whole.addressOffset();
        int skew = (int) (((base + PAGE - 1) & -PAGE) - base);
        buffer = new UnsafeBuffer(owner, skew, size);
        address = buffer.addressOffset();
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Clears the first {@code length} bytes (reused syscall argument blocks). */
    public void zero(int length) {
        buffer.setMemory(0, length, (byte) 0);
    }
}
