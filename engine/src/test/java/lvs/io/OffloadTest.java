package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffloadTest {
    @Test
    void packsAndUnpacksEveryField() {
        long o = Offload.of(Offload.FLAG_NEEDS_CSUM, Offload.GSO_TCPV4 | Offload.GSO_ECN, 1448, 34, 16);
        assertThat(Offload.flags(o)).isEqualTo(1);
        assertThat(Offload.gsoType(o)).isEqualTo(0x81);
        assertThat(Offload.gsoSize(o)).isEqualTo(1448);
        assertThat(Offload.csumStart(o)).isEqualTo(34);
        assertThat(Offload.csumOffset(o)).isEqualTo(16);
        assertThat(Offload.needsChecksum(o)).isTrue();
        assertThat(Offload.isGso(o)).isTrue();
        long max = Offload.of(0xff, 0xff, 0xffff, 0xffff, 0xffff);
        assertThat(Offload.csumStart(max)).isEqualTo(0xffff);
        assertThat(Offload.flags(max)).isEqualTo(0xff);
    }

    @Test
    void noneIsAnOrdinaryFrame() {
        assertThat(Offload.needsChecksum(Offload.NONE)).isFalse();
        assertThat(Offload.isGso(Offload.NONE)).isFalse();
        assertThat(Offload.isGso(Offload.of(0, Offload.GSO_ECN, 0, 0, 0))).isFalse();
    }

    @Test
    void checksumStartFollowsAnEncapsulation() {
        long o = Offload.of(Offload.FLAG_NEEDS_CSUM, Offload.GSO_TCPV4, 1448, 34, 16);
        long shifted = Offload.shiftChecksumStart(o, 20);
        assertThat(Offload.csumStart(shifted)).isEqualTo(54);
        assertThat(Offload.csumOffset(shifted)).isEqualTo(16);
        assertThat(Offload.gsoSize(shifted)).isEqualTo(1448);
        assertThat(Offload.shiftChecksumStart(Offload.NONE, 20)).isEqualTo(Offload.NONE);
    }
}
