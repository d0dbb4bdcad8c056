package lvs.io.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a socket's recvmmsg is skipped: only while it was last found empty, and never for long. */
class RecvmmsgGateTest {
    private static final long RECHECK = RecvmmsgGate.RECHECK_NS;

    @Test
    void aNewSocketIsReadAndASocketWithFramesStaysOpen() {
        RecvmmsgGate gate = new RecvmmsgGate();
        assertThat(gate.due(0)).isTrue();
        gate.found(true, 0);
        assertThat(gate.due(1)).isTrue();
        assertThat(gate.due(RECHECK * 1000)).isTrue();
    }

    @Test
    void anEmptySocketIsSkippedUntilItsRecheckThenReadAgain() {
        RecvmmsgGate gate = new RecvmmsgGate();
        long t = 5 * RECHECK; // any clock origin
        gate.found(false, t);
        assertThat(gate.due(t)).isFalse();
        assertThat(gate.due(t + RECHECK - 1)).isFalse();
        assertThat(gate.due(t + RECHECK)).as("re-checked after %d ns under a busy neighbour", RECHECK).isTrue();
        // the re-check found it empty again: skipped for another interval, counted from the re-check
        gate.found(false, t + RECHECK);
        assertThat(gate.due(t + 2 * RECHECK - 1)).isFalse();
        assertThat(gate.due(t + 2 * RECHECK)).isTrue();
        // the re-check found frames: read every cycle from then on
        gate.found(true, t + 2 * RECHECK);
        assertThat(gate.due(t + 2 * RECHECK + 1)).isTrue();
    }

    @Test
    void pollReportingItReadableOpensAQuietSocketAtOnce() {
        RecvmmsgGate gate = new RecvmmsgGate();
        gate.found(false, 1_000);
        assertThat(gate.due(1_001)).isFalse();
        gate.found(true, 1_002); // poll(2) revents: POLLIN
        assertThat(gate.due(1_002)).isTrue();
    }

    @Test
    void theRecheckBoundHoldsAcrossClockValuesOfEitherSign() {
        RecvmmsgGate gate = new RecvmmsgGate();
        long t = Long.MAX_VALUE - RECHECK / 2; // nanoTime may be negative or wrap: differences, not comparisons
        gate.found(false, t);
        assertThat(gate.due(t + RECHECK / 4)).isFalse();
        assertThat(gate.due(t + RECHECK)).isTrue();
    }
}
