package lvs.io.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.io.Offload;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class VirtioNetHeaderTest {
    @Test
    void readsTheKernelsLittleEndianLayout() {
        // flags NEEDS_CSUM, gso TCPV4, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16
        UnsafeBuffer b = new UnsafeBuffer(new byte[] {1, 1, 66, 0, (byte) 0xa8, 0x05, 34, 0, 16, 0});
        long o = VirtioNetHeader.read(b, 0);
        assertThat(o).isEqualTo(Offload.of(1, 1, 1448, 34, 16));
    }

    @Test
    void writesWhatItReadsWithHdrLenCoveringTheChecksum() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[10]);
        VirtioNetHeader.write(b, 0, Offload.of(Offload.FLAG_NEEDS_CSUM | Offload.FLAG_DATA_VALID, 4, 1428, 54, 16));
        assertThat(b.getByte(0)).as("DATA_VALID is receive-only").isEqualTo((byte) 1);
        assertThat(b.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN)).isEqualTo((short) 72);
        assertThat(VirtioNetHeader.read(b, 0)).isEqualTo(Offload.of(1, 4, 1428, 54, 16));
    }

    @Test
    void noneIsAllZero() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[10]);
        b.setMemory(0, 10, (byte) 0x55);
        VirtioNetHeader.write(b, 0, Offload.NONE);
        for (int i = 0; i < 10; i++) {
            assertThat(b.getByte(i)).isZero();
        }
        assertThat(VirtioNetHeader.read(b, 0)).isEqualTo(Offload.NONE);
    }
}
