package lvs.io.afpacket;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A zeroed, page-aligned block of native memory with its address (for syscalls) and an
 * {@link UnsafeBuffer} view (for Java). Backed by a direct ByteBuffer so the GC frees it.
 */
final class NativeMemory {
    private static final int ALIGNMENT = 4096;

    final ByteBuffer owner;
    final UnsafeBuffer buffer;
    final long address;

    NativeMemory(int size) {
        owner = ByteBuffer.allocateDirect(size + ALIGNMENT);
        UnsafeBuffer whole = new UnsafeBuffer(owner);
        long base = whole.addressOffset();
        int skew = (int) (((base + ALIGNMENT - 1) & -ALIGNMENT) - base);
        buffer = new UnsafeBuffer(owner, skew, size);
        address = buffer.addressOffset();
    }

    int capacity() {
        return buffer.capacity();
    }
}
