package lvs.io;

import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * mmap(2)/munmap(2) of private anonymous memory, for {@link NativeMemory#mapped}. {@code mmap}
 * returns a {@link Pointer} (feasibility pitfall 8: the {@code long} form of a six-argument call
 * with a {@code long} result is corrupted by jnr-ffi 2.3.4's stubs).
 *
 * <p>Public only because jnr-ffi generates the implementation in its own class loader.
 */
public interface AnonymousMapping {
    int PROT_READ_WRITE = 0x3;
    int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;

    Pointer mmap(Pointer address, @size_t long length, int protection, int flags, int fd, @off_t long offset);

    int munmap(@intptr_t long address, @size_t long length);

    /** Loaded on first use. */
    final class Holder {
        static final LibcBinding<AnonymousMapping> LIBC = LibcBinding.load(AnonymousMapping.class);

        private Holder() {
        }
    }
}
