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

    /** One 10 ms window ending at {@code endNs} at 400,000 frames/s read in batches of 64: behind. */
    private static boolean behindWindow(ReceiveSwitch s, long endNs) {
        return s.account(4000, true, 64 * 10, endNs);
    }

    /** Moves {@code s} (on recvmmsg from time 0) to the ring; returns the time it did. */
    private static long toRing(ReceiveSwitch s) {
        for (int w = 1; w < ReceiveSwitch.BEHIND_WINDOWS; w++) {
            assertThat(behindWindow(s, w * 10 * MS)).isFalse();
        }
        long t = ReceiveSwitch.BEHIND_WINDOWS * 10 * MS;
        assertThat(behindWindow(s, t)).as("behind for %d windows in a row", ReceiveSwitch.BEHIND_WINDOWS).isTrue();
        assertThat(s.ringActive()).isTrue();
        return t;
    }

    @Test
    void fallingBehindMovesToTheRingAtTheEndOfTheThirdWindowInARow() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        long t = 0;
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < 9; i++) { // full batches of 64: frames queue up between reads
                t += MS;
                assertThat(s.account(64, true, 64, t)).isFalse();
            }
            t += MS;
            assertThat(s.account(64, true, 64, t)).isEqualTo(w == 2);
        }
        assertThat(s.ringActive()).isTrue();
    }

    @Test
    void aWindowThatKeepsUpStartsTheCountOver() { // a burst or a GC pause under closed-loop load
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        assertThat(behindWindow(s, 10 * MS)).isFalse();
        assertThat(behindWindow(s, 20 * MS)).isFalse();
        for (int i = 1; i <= 1000; i++) { // 300,000/s read 3 per call: keeping up
            assertThat(s.account(3, true, 3, 20 * MS + i * 10_000L)).isFalse();
        }
        assertThat(behindWindow(s, 40 * MS)).isFalse();
        assertThat(behindWindow(s, 50 * MS)).isFalse();
        assertThat(s.ringActive()).isFalse();
        assertThat(behindWindow(s, 60 * MS)).isTrue();
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
        long t = toRing(s); // 400,000/s, behind
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
        long t = toRing(s);
        for (int i = 0; i < 99; i++) { // still 400,000/s
            t += 10 * MS;
            assertThat(s.account(4000, false, 0, t)).isFalse();
        }
        t += 10 * MS;
        assertThat(s.account(4000, false, 0, t)).as("a second on the ring").isTrue();
        assertThat(s.ringActive()).isFalse();
        assertThat(behindWindow(s, t + 10 * MS)).isFalse();
        assertThat(behindWindow(s, t + 20 * MS)).isFalse();
        assertThat(behindWindow(s, t + 30 * MS)).as("still behind: back after three windows").isTrue();
    }

    @Test
    void revertUndoesARefusedChange() {
        ReceiveSwitch s = new ReceiveSwitch(10_000, 0);
        long t = toRing(s);
        s.revert();
        assertThat(s.ringActive()).isFalse();
        assertThat(behindWindow(s, t + 10 * MS)).isFalse();
        assertThat(behindWindow(s, t + 20 * MS)).isFalse();
        assertThat(behindWindow(s, t + 30 * MS)).as("asks again after three more windows behind").isTrue();
    }
}
