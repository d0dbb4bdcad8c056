package lvs.io.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the adaptive receive path moves between recvmmsg and the ring. */
class ReceiveSwitchTest {
    private static final long MS = 1_000_000L;

    @Test
    void aHighRateThatRecvmmsgKeepsUpWithStaysOnRecvmmsg() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        long t = 0;
        for (int i = 0; i < 10_000; i++) { // 300,000 frames/s read 3 at a time, then an empty call: keeping up
            t += 10_000;
            assertThat(s.account(3, true, 3, t)).isFalse();
            assertThat(s.account(0, true, 0, t)).isFalse();
        }
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void fallingBehindMovesToTheRingAtTheEndOfTheWindow() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        long t = 0;
        for (int i = 0; i < 9; i++) { // full batches of 64: frames queue up between reads
            t += MS;
            assertThat(s.account(64, true, 64, t)).isFalse();
        }
        assertThat(s.account(64, true, 64, 10 * MS)).isTrue();
        assertThat(s.ringActive()).isTrue();
    }

    @Test
    void aStallAtATrickleIsNoReasonForTheRing() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        // 20 frames waiting after a stall: a big batch, but 2,000 frames/s
        assertThat(s.account(20, true, 20, 10 * MS)).isFalse();
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void goesBackAfterTenWindowsBelowThreeQuartersOfTheRateThatFellBehind() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        assertThat(s.account(4000, true, 64 * 10, 10 * MS)).as("400,000/s, behind").isTrue();
        long t = 10 * MS;
        for (int i = 0; i < 9; i++) { // 290,000/s on the ring: below 300,000
            t += 10 * MS;
            assertThat(s.account(2900, false, 0, t)).isFalse();
        }
        t += 10 * MS;
        assertThat(s.account(3100, false, 0, t)).as("310,000/s: not calm, count starts over").isFalse();
        for (int i = 0; i < 9; i++) {
            t += 10 * MS;
            assertThat(s.account(2900, false, 0, t)).isFalse();
        }
        assertThat(s.ringActive()).isTrue();
        t += 10 * MS;
        assertThat(s.account(2900, false, 0, t)).as("tenth calm window in a row").isTrue();
        assertThat(s.ringActive()).isFalse();
    }

    @Test
    void triesRecvmmsgAgainAfterASecondOnTheRing() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        assertThat(s.account(4000, true, 640, 10 * MS)).isTrue();
        long t = 10 * MS;
        for (int i = 0; i < 99; i++) { // still 400,000/s
            t += 10 * MS;
            assertThat(s.account(4000, false, 0, t)).isFalse();
        }
        t += 10 * MS;
        assertThat(s.account(4000, false, 0, t)).as("a second on the ring").isTrue();
        assertThat(s.ringActive()).isFalse();
        assertThat(s.account(4000, true, 640, t + 10 * MS)).as("still behind: back at once").isTrue();
    }

    @Test
    void revertUndoesARefusedChange() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        assertThat(s.account(1000, true, 1000, 10 * MS)).isTrue();
        s.revert();
        assertThat(s.ringActive()).isFalse();
        assertThat(s.account(1000, true, 1000, 20 * MS)).as("asks again at the next window behind").isTrue();
    }
}
