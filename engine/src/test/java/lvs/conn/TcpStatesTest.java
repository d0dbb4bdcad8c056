package lvs.conn;

import static lvs.conn.TcpStates.CLOSE;
import static lvs.conn.TcpStates.CLOSE_WAIT;
import static lvs.conn.TcpStates.ESTABLISHED;
import static lvs.conn.TcpStates.FIN_WAIT;
import static lvs.conn.TcpStates.LAST_ACK;
import static lvs.conn.TcpStates.LISTEN;
import static lvs.conn.TcpStates.SYNACK;
import static lvs.conn.TcpStates.SYN_RECV;
import static lvs.conn.TcpStates.SYN_SENT;
import static lvs.conn.TcpStates.TIME_WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every row of reference §2.4's two tables, transcribed a second time, independently of the text
 * tables in {@link TcpStates}, as arrays over the current state NO ES SS SR FW TW CL CW LA LI SA.
 */
class TcpStatesTest {
    private static final int NO = TcpStates.NONE;
    private static final int ES = ESTABLISHED;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int FW = FIN_WAIT;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int LI = LISTEN;
    private static final int SA = SYNACK;

    private static final int IN = Direction.INPUT;
    private static final int OUT = Direction.OUTPUT;
    private static final int IO = Direction.INPUT_ONLY;
    private static final int SYN = TcpFlags.SYN;
    private static final int FIN = TcpFlags.FIN;
    private static final int ACK = TcpFlags.ACK;
    private static final int RST = TcpFlags.RST;

    static Stream<Arguments> normalRows() {
        return Stream.of(
            row("IN syn", IN, SYN, SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR),
            row("IN fin", IN, FIN, CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW),
            row("IN ack", IN, ACK, ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row("IN rst", IN, RST, CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR),
            row("OUT syn", OUT, SYN, SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR),
            row("OUT fin", OUT, FIN, TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW),
            row("OUT ack", OUT, ACK, ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES),
            row("OUT rst", OUT, RST, CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL),
            row("IN-ONLY syn", IO, SYN, SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR),
            row("IN-ONLY fin", IO, FIN, CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW),
            row("IN-ONLY ack", IO, ACK, ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row("IN-ONLY rst", IO, RST, CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL));
    }

    static Stream<Arguments> secureRows() {
        return Stream.of(
            row("IN syn", IN, SYN, SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA),
            row("IN fin", IN, FIN, CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA),
            row("IN ack", IN, ACK, ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA),
            row("IN rst", IN, RST, CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL),
            row("OUT syn", OUT, SYN, SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA),
            row("OUT fin", OUT, FIN, TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW),
            row("OUT ack", OUT, ACK, ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES),
            row("OUT rst", OUT, RST, CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL),
            row("IN-ONLY syn", IO, SYN, SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA),
            row("IN-ONLY fin", IO, FIN, CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW),
            row("IN-ONLY ack", IO, ACK, ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row("IN-ONLY rst", IO, RST, CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL));
    }

    private static Arguments row(String name, int direction, int flags, int... next) {
        return Arguments.of(name, direction, flags, next);
    }

    @ParameterizedTest(name = "normal {0}")
    @MethodSource("normalRows")
    void normalTableRow(String name, int direction, int flags, int[] expected) {
        for (int state = 0; state < TcpStates.STATE_COUNT; state++) {
            assertThat(TcpStates.next(false, direction, flags, state))
                .as("%s from %s", name, TcpStates.name(state)).isEqualTo(expected[state]);
        }
    }

    @ParameterizedTest(name = "secure {0}")
    @MethodSource("secureRows")
    void secureTableRow(String name, int direction, int flags, int[] expected) {
        for (int state = 0; state < TcpStates.STATE_COUNT; state++) {
            assertThat(TcpStates.next(true, direction, flags, state))
                .as("%s from %s", name, TcpStates.name(state)).isEqualTo(expected[state]);
        }
    }

    @Test
    void rowIsChosenByPriorityRstSynFinAck() {
        // SYN+ACK uses the syn row: from NONE, OUT syn gives SYN_SENT where OUT ack would give ESTABLISHED.
        assertThat(TcpStates.next(false, OUT, SYN | ACK, NO)).isEqualTo(SS);
        // FIN+ACK uses the fin row: IN fin from ESTABLISHED is CLOSE_WAIT, IN ack would stay ESTABLISHED.
        assertThat(TcpStates.next(false, IN, FIN | ACK, ES)).isEqualTo(CW);
        // RST beats SYN: IN rst from SYN_SENT is CLOSE, IN syn would be ESTABLISHED.
        assertThat(TcpStates.next(false, IN, RST | SYN, SS)).isEqualTo(CL);
        // PSH alone is none of the four: straight to CLOSE, in any state and direction.
        assertThat(TcpStates.next(false, IN, TcpFlags.PSH, ES)).isEqualTo(CL);
        assertThat(TcpStates.next(true, OUT, 0, ES)).isEqualTo(CL);
    }

    @Test
    void typicalNatConnectionFromTheReference() {
        int s = NO;
        s = TcpStates.next(false, IN, SYN, s);
        assertThat(s).isEqualTo(SR);
        s = TcpStates.next(false, OUT, SYN | ACK, s);
        assertThat(s).isEqualTo(SR);
        s = TcpStates.next(false, IN, ACK, s);
        assertThat(s).isEqualTo(ES);
        s = TcpStates.next(false, IN, FIN | ACK, s);
        assertThat(s).isEqualTo(CW);
        s = TcpStates.next(false, OUT, FIN | ACK, s);
        assertThat(s).isEqualTo(TW);
        s = TcpStates.next(false, IN, ACK, s);
        assertThat(s).isEqualTo(TW);
    }

    @Test
    void typicalDirectRoutingConnectionFromTheReference() {
        int s = NO;
        s = TcpStates.next(false, IO, SYN, s);
        assertThat(s).isEqualTo(SR);
        s = TcpStates.next(false, IO, ACK, s);
        assertThat(s).isEqualTo(ES);
        s = TcpStates.next(false, IO, FIN | ACK, s);
        assertThat(s).isEqualTo(FW);
        s = TcpStates.next(false, IO, ACK, s);
        assertThat(s).isEqualTo(FW);
    }

    @Test
    void secureModeNeedsTheServerToSpeakTwiceBeforeEstablished() {
        int s = TcpStates.next(true, IN, SYN, NO);
        assertThat(s).isEqualTo(SR);
        assertThat(TcpStates.next(true, IN, ACK, s)).isEqualTo(SR); // a flood of ACKs stays SYN_RECV
        s = TcpStates.next(true, OUT, SYN | ACK, s);
        assertThat(s).isEqualTo(SA);
        assertThat(TcpStates.next(true, IN, ACK, s)).isEqualTo(SA);
        assertThat(TcpStates.next(true, OUT, ACK, s)).isEqualTo(ES);
        // DR/TUN in secure mode: SYN -> SYNACK (120 s instead of 60 s), ACK -> ESTABLISHED
        assertThat(TcpStates.next(true, IO, SYN, NO)).isEqualTo(SA);
        assertThat(TcpStates.next(true, IO, ACK, SA)).isEqualTo(ES);
    }

    @Test
    void namesTimeoutsAndActivity() {
        String[] names = {"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE",
            "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK", "BUG!"};
        int[] seconds = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120, 2};
        boolean[] active = {false, true, true, true, false, false, false, false, false, false, true, false};
        for (int s = 0; s <= TcpStates.LAST; s++) {
            assertThat(TcpStates.name(s)).isEqualTo(names[s]);
            assertThat(TcpStates.defaultTimeoutSeconds(s)).isEqualTo(seconds[s]);
            assertThat(TcpStates.isActive(s)).as(names[s]).isEqualTo(active[s]);
        }
        assertThat(TcpStates.name(99)).isEqualTo("BUG!");
    }
}
