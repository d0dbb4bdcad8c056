package lvs.io.xdp;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Zeroed, page-aligned native memory for syscall arguments and the UMEM (the kernel pins UMEM pages,
 * so page alignment is required). Backed by a direct ByteBuffer so the GC frees it; the owner must
 * stay reachable as long as the kernel may touch the memory (UMEM: until the socket is closed).
 */
final class NativeBlock {
    private static final int PAGE = 4096;

    final ByteBuffer owner;
    final UnsafeBuffer buffer;
    final long address;

    NativeBlock(int size) {
        owner = ByteBuffer.allocateDirect(size + PAGE);
        UnsafeBuffer whole = new UnsafeBuffer(owner);
        long base = whole.addressOffset();
        int skew = (int) (((base + PAGE - 1) & -PAGE) - base);
        buffer = new UnsafeBuffer(owner, skew, size);
        address = buffer.addressOffset();
    }

    void zero(int length) {
        buffer.setMemory(0, length, (byte) 0);
    }
}
