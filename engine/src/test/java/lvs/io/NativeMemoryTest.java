package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    private static final int MIB = 1 << 20;

    @Test
    void mappedBlockIsZeroedWritableAndPageAligned() {
        NativeMemory block = NativeMemory.mapped(3 * 4096 + 10);
        assertThat(block.isMapped()).isTrue();
        assertThat(block.address % 4096).isZero();
        assertThat(block.capacity()).isEqualTo(3 * 4096 + 10);
        for (int i = 0; i < block.capacity(); i += 97) {
            assertThat(block.buffer.getByte(i)).isZero();
        }
        block.buffer.putLong(3 * 4096, 0x1122334455667788L);
        assertThat(block.buffer.getLong(3 * 4096)).isEqualTo(0x1122334455667788L);
    }

    /** The point of {@link NativeMemory#mapped}: only written pages are resident (read from smaps). */
    @Test
    void mappedPagesBecomeResidentOnlyWhenWritten() {
        NativeMemory block = NativeMemory.mapped(16 * MIB);
        assertThat(residentKib(block.address, 16 * MIB)).isLessThan(64);
        for (int offset = 0; offset < 4 * MIB; offset += 4096) {
            block.buffer.putByte(offset, (byte) 1);
        }
        assertThat(residentKib(block.address, 16 * MIB)).isBetween(4L * 1024, 4L * 1024 + 64);
    }

    @Test
    void directBlockIsResidentFromTheStart() {
        NativeMemory block = new NativeMemory(4 * MIB);
        assertThat(block.isMapped()).isFalse();
        assertThat(block.address % 4096).isZero();
        assertThat(block.buffer.getInt(4 * MIB - 4)).isZero();
        assertThat(residentKib(block.address, 4 * MIB)).isEqualTo(4L * 1024); // the JDK zeroed every page
    }

    /** libc's mincore(2): which pages of a range are resident. Public for jnr-ffi. */
    public interface Residency {
        int mincore(@intptr_t long address, @size_t long length, @intptr_t long vector);
    }

    private static final LibcBinding<Residency> LIBC = LibcBinding.load(Residency.class);

    /** KiB of {@code [address, address + bytes)} resident now, page by page from mincore(2). */
    private static long residentKib(long address, int bytes) {
        int pages = bytes / 4096;
        NativeMemory vector = new NativeMemory(pages);
        assertThat(LIBC.get().mincore(address, bytes, vector.address)).isZero();
        long resident = 0;
        for (int i = 0; i < pages; i++) {
            resident += vector.buffer.getByte(i) & 1;
        }
        return resident * 4;
    }
}
