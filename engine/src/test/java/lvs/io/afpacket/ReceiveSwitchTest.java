package lvs.io.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the adaptive receive path moves between recvmmsg and the ring. */
class ReceiveSwitchTest {
    private static final long MS = 1_000_000L;

    @Test
    void staysOnRecvmmsgBelowTheThreshold() {
        ReceiveSwitch s = new ReceiveSwitch(50_000, 0);
        long t = 0;
        for (int i = 0; i < 1000; i++) { // 49 frames per ms = 49,000 frames/s, for a second
            t += MS;
            assertThat(s.account(49, t)).isFalse();
        }
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void movesToTheRingOnceAWindowReachesTheThreshold() {
        ReceiveSwitch s = new ReceiveSwitch(50_000, 0);
        assertThat(s.account(499, 9 * MS)).isFalse();    // window not over yet
        assertThat(s.account(1, 10 * MS)).isTrue();      // 500 frames in 10 ms = 50,000/s
        assertThat(s.ringActive()).isTrue();
    }

    @Test
    void aLongIdleGapIsAveragedNotMistakenForABurst() {
        ReceiveSwitch s = new ReceiveSwitch(50_000, 0);
        assertThat(s.account(600, 1000 * MS)).isFalse(); // 600 frames after a second of nothing: 600/s
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void leavesTheRingOnlyAfterTenCalmWindowsInARow() {
        ReceiveSwitch s = new ReceiveSwitch(50_000, 0);
        long t = 10 * MS;
        assertThat(s.account(1000, t)).isTrue();
        // 24,000/s (below half the threshold) for nine windows, then one busy window: stays
        for (int i = 0; i < 9; i++) {
            t += 10 * MS;
            assertThat(s.account(240, t)).isFalse();
        }
        t += 10 * MS;
        assertThat(s.account(300, t)).as("30,000/s: at or above half, not calm").isFalse();
        for (int i = 0; i < 9; i++) {
            t += 10 * MS;
            assertThat(s.account(240, t)).isFalse();
        }
        assertThat(s.ringActive()).isTrue();
        t += 10 * MS;
        assertThat(s.account(240, t)).as("tenth calm window in a row").isTrue();
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void revertUndoesARefusedChange() {
        ReceiveSwitch s = new ReceiveSwitch(50_000, 0);
        assertThat(s.account(1000, 10 * MS)).isTrue();
        s.revert();
        assertThat(s.ringActive()).isFalse();
        assertThat(s.account(1000, 20 * MS)).as("asks again at the next busy window").isTrue();
    }
}
