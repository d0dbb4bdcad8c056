package lvs.io;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

import jnr.ffi.Pointer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A zeroed, page-aligned block of native memory with its address (for syscalls) and an
 * {@link UnsafeBuffer} view (for Java): syscall arguments, AF_PACKET batches and rings' bookkeeping,
 * the AF_XDP UMEM (the kernel pins UMEM pages, so page alignment is required). The owner must stay
 * reachable as long as the kernel may touch the memory (UMEM: until the socket is closed); the block
 * is freed when the owner is collected.
 *
 * <p>Two kinds. {@link #NativeMemory(int)} is backed by a direct ByteBuffer, which the JDK zeroes,
 * so every page is resident from the start: right for small blocks. {@link #mapped} maps private
 * anonymous memory instead: it reads as zero too, but a page becomes resident only when first
 * written. That is what the receive and transmit batches want: each of their 64 slots is sized for
 * a 64 KiB GSO super-frame, while most frames are a few hundred bytes, so only the first page of a
 * slot is ever written (the batches of two interfaces were 16 MiB resident, for typically 1 MiB used).
 */
public final class NativeMemory {
    private static final int PAGE = 4096;
    private static final Cleaner UNMAPPER = Cleaner.create();

    public final UnsafeBuffer buffer;
    public final long address;
    /** Keeps a direct ByteBuffer (and so its memory) alive; null for a mapped block. */
    private final ByteBuffer owner;

    public NativeMemory(int size) {
        owner = ByteBuffer.allocateDirect(size + PAGE);
        UnsafeBuffer whole = new UnsafeBuffer(owner);
        long base = whole.addressOffset();
        int skew = (int) (((base + PAGE - 1) & -PAGE) - base);
        buffer = new UnsafeBuffer(owner, skew, size);
        address = buffer.addressOffset();
    }

    private NativeMemory(long address, int size) {
        this.owner = null;
        this.address = address;
        this.buffer = new UnsafeBuffer(address, size);
    }

    /**
     * A block of {@code size} bytes whose pages become resident only when written (see the class
     * comment); unmapped once the returned object is unreachable. Falls back to a direct buffer when
     * mmap(2) is unavailable or fails.
     */
    public static NativeMemory mapped(int size) {
        long length = (size + PAGE - 1L) & -PAGE;
        try {
            AnonymousMapping libc = AnonymousMapping.Holder.LIBC.get();
            Pointer p = libc.mmap(null, length, AnonymousMapping.PROT_READ_WRITE,
                AnonymousMapping.MAP_PRIVATE_ANONYMOUS, -1, 0);
            long address = p == null ? -1 : p.address();
            if (address == -1 || address == 0) {
                return new NativeMemory(size);
            }
            NativeMemory block = new NativeMemory(address, size);
            UNMAPPER.register(block, () -> libc.munmap(address, length));
            return block;
        } catch (IllegalStateException noLibc) {
            return new NativeMemory(size);
        }
    }

    /** Whether pages of this block stay out of memory until written ({@link #mapped}). */
    public boolean isMapped() {
        return owner == null;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Clears the first {@code length} bytes (reused syscall argument blocks). */
    public void zero(int length) {
        buffer.setMemory(0, length, (byte) 0);
    }
}
