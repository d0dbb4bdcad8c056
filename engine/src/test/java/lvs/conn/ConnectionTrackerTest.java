package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.model.Timeouts;
import org.junit.jupiter.api.Test;

class ConnectionTrackerTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int V4 = ConnectionTable.AF_INET;
    private static final long CLIENT = 0xC612000AL;
    private static final long VIP = 0xC6120101L;
    private static final long RIP = 0xC6120202L;
    private static final int DEST = 2;
    private static final long T0 = 1_000_000;
    /** 1 ms ticks so that expiry times in these tests are exact to the millisecond. */
    private static final long TICK_MS = 1;

    private final ConnectionTable table = new ConnectionTable(64, 11);
    private final DestinationCounters dests = new DestinationCounters(8);
    private final ProtocolTimeouts timeouts = new ProtocolTimeouts();
    private final ConnectionTracker tracker = new ConnectionTracker(table, dests, timeouts, TICK_MS, 1 << 12, T0);

    private int open(int protocol, int method, int cport, int template, long now) {
        return tracker.open(V4, protocol, 0, CLIENT, cport, 0, VIP, 80, V4, 0, RIP, 80, method, 1, DEST, template, now);
    }

    private void sweep(long now) {
        while (tracker.expireDue(now, 16) == 16) {
            // keep going until caught up; 16 keeps each call's work small
        }
    }

    @Test
    void natConnectionMovesBetweenInactiveAndActiveAndExpires() {
        int e = open(TCP, ConnectionFlags.MASQ, 40000, -1, T0);
        // a new connection starts INACTIVE with state NONE and a 3 s timeout
        assertThat(dests.inactive(DEST)).isEqualTo(1);
        assertThat(dests.active(DEST)).isZero();
        assertThat(table.state(e)).isEqualTo(TcpStates.NONE);
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 3_000);

        assertThat(tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0)).isEqualTo(TcpStates.SYN_RECV);
        assertThat(dests.active(DEST)).isEqualTo(1);
        assertThat(dests.inactive(DEST)).isZero();
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 60_000);

        tracker.onPacket(e, Direction.OUTPUT, TcpFlags.SYN | TcpFlags.ACK, T0 + 1);
        assertThat(tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0 + 2)).isEqualTo(TcpStates.ESTABLISHED);
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 2 + 900_000);
        assertThat(dests.active(DEST)).isEqualTo(1);

        assertThat(tracker.onPacket(e, Direction.INPUT, TcpFlags.FIN | TcpFlags.ACK, T0 + 3))
            .isEqualTo(TcpStates.CLOSE_WAIT);
        assertThat(dests.active(DEST)).isZero();
        assertThat(dests.inactive(DEST)).isEqualTo(1);
        // the timeout shrank from 900 s to 60 s: the entry must still expire on time
        tracker.onPacket(e, Direction.OUTPUT, TcpFlags.FIN | TcpFlags.ACK, T0 + 4);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0 + 5);
        assertThat(table.state(e)).isEqualTo(TcpStates.TIME_WAIT);
        long expires = T0 + 5 + 120_000;
        assertThat(table.expiresAtMs(e)).isEqualTo(expires);

        sweep(expires - 1);
        assertThat(table.isInUse(e)).isTrue();
        sweep(expires + TICK_MS);
        assertThat(table.isInUse(e)).isFalse();
        assertThat(dests.inactive(DEST)).isZero();
        assertThat(dests.active(DEST)).isZero();
        assertThat(tracker.expiredEntries()).isEqualTo(1);
        assertThat(table.findInbound(V4, TCP, 0, CLIENT, 40000, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void directRoutingUsesInputOnlyRowsUntilAReplyIsSeen() {
        int e = open(TCP, ConnectionFlags.DROUTE, 1, -1, T0);
        assertThat(table.flags(e) & ConnectionFlags.NOOUTPUT).isNotZero();
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0);
        // INPUT-ONLY fin from ESTABLISHED is FIN_WAIT (plain INPUT would give CLOSE_WAIT)
        assertThat(tracker.onPacket(e, Direction.INPUT, TcpFlags.FIN, T0)).isEqualTo(TcpStates.FIN_WAIT);
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 120_000);
        assertThat(table.inPackets(e)).isEqualTo(3);

        int other = open(TCP, ConnectionFlags.DROUTE, 2, -1, T0);
        tracker.onPacket(other, Direction.OUTPUT, TcpFlags.ACK, T0);
        assertThat(table.flags(other) & ConnectionFlags.NOOUTPUT).isZero();
    }

    @Test
    void udpStaysInactiveAndEveryPacketReloadsItsTimeout() {
        int e = open(UDP, ConnectionFlags.MASQ, 53, -1, T0);
        assertThat(tracker.onPacket(e, Direction.INPUT, 0, T0)).isEqualTo(UdpStates.NORMAL);
        assertThat(dests.inactive(DEST)).isEqualTo(1);
        assertThat(dests.active(DEST)).isZero();
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 300_000);
        tracker.onPacket(e, Direction.OUTPUT, 0, T0 + 10_000);
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 310_000);
        sweep(T0 + 300_001);
        assertThat(table.isInUse(e)).isTrue();
        sweep(T0 + 310_001);
        assertThat(table.isInUse(e)).isFalse();
        assertThat(dests.inactive(DEST)).isZero();
    }

    @Test
    void unseenConnectionExpiresAfterThreeSeconds() {
        int e = open(TCP, ConnectionFlags.MASQ, 1, -1, T0);
        sweep(T0 + 2_999);
        assertThat(table.isInUse(e)).isTrue();
        sweep(T0 + 3_001);
        assertThat(table.isInUse(e)).isFalse();
    }

    @Test
    void setTimeoutsArePickedUpOnTheNextPacket() {
        int e = open(TCP, ConnectionFlags.MASQ, 1, -1, T0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0);
        assertThat(table.timeoutMs(e)).isEqualTo(900_000);

        timeouts.set(new Timeouts(30, 0, 10));
        assertThat(table.timeoutMs(e)).isEqualTo(900_000); // not yet
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0 + 1);
        assertThat(table.timeoutMs(e)).isEqualTo(30_000);
        assertThat(table.expiresAtMs(e)).isEqualTo(T0 + 1 + 30_000);
        assertThat(timeouts.current()).isEqualTo(new Timeouts(30, 120, 10));
        sweep(T0 + 30_002);
        assertThat(table.isInUse(e)).isFalse();
    }

    @Test
    void templateOutlivesItsTimeoutWhileItControlsConnectionsThenGoesIn60sSteps() {
        int template = tracker.openTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80, V4, 0, RIP, 80,
            ConnectionFlags.DROUTE, 1, DEST, 360_000, T0);
        assertThat(dests.persistent(DEST)).isEqualTo(1);
        assertThat(table.findTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80)).isEqualTo(template);

        int e = open(TCP, ConnectionFlags.DROUTE, 5000, template, T0);
        tracker.touch(template, T0);
        assertThat(table.controlledCount(template)).isEqualTo(1);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0);
        assertThat(table.state(template)).isEqualTo(TemplateStates.NONE);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0);
        assertThat(table.state(template)).isEqualTo(TemplateStates.ASSURED);
        // keep the connection alive past the template's 360 s with a packet every 100 s, sweeping each second
        for (long t = T0 + 1_000; t <= T0 + 400_000; t += 1_000) {
            if ((t - T0) % 100_000 == 0) {
                tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, t);
            }
            sweep(t);
        }
        assertThat(table.isInUse(template)).isTrue();
        // the template fell due at 360 s (seen by the sweep at 361 s) and was re-armed for 60 s
        assertThat(table.expiresAtMs(template)).isEqualTo(T0 + 361_000 + 60_000);
        assertThat(table.timeoutMs(template)).isEqualTo(60_000);

        // the connection is reset (CLOSE, 10 s) and expires; the template goes at its next 60 s check
        tracker.onPacket(e, Direction.INPUT, TcpFlags.RST, T0 + 400_000);
        sweep(T0 + 410_001);
        assertThat(table.isInUse(e)).isFalse();
        assertThat(table.controlledCount(template)).isZero();
        assertThat(table.isInUse(template)).isTrue();
        sweep(T0 + 421_001);
        assertThat(table.isInUse(template)).isFalse();
        assertThat(dests.persistent(DEST)).isZero();
        assertThat(dests.active(DEST) + dests.inactive(DEST)).isZero();
    }

    @Test
    void udpReplyAssuresTheTemplate() {
        int template = tracker.openTemplate(V4, UDP, 0, CLIENT, 0, VIP, 53, V4, 0, RIP, 53,
            ConnectionFlags.MASQ, 1, DEST, 60_000, T0);
        int e = open(UDP, ConnectionFlags.MASQ, 999, template, T0);
        tracker.onPacket(e, Direction.INPUT, 0, T0);
        assertThat(table.state(template)).isEqualTo(TemplateStates.NONE);
        tracker.onPacket(e, Direction.OUTPUT, 0, T0);
        assertThat(table.state(template)).isEqualTo(TemplateStates.ASSURED);
    }

    @Test
    void forcedExpiryTakesAnUnassuredTemplateAlongButNotAnAssuredOne() {
        int template = tracker.openTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80, V4, 0, RIP, 80,
            ConnectionFlags.MASQ, 1, DEST, 360_000, T0);
        int e = open(TCP, ConnectionFlags.MASQ, 1, template, T0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0);
        tracker.expireNow(e, T0 + 5);
        sweep(T0 + 10);
        assertThat(table.isInUse(e)).isFalse();
        // the chain expiry pulls the template's timer in to "now" (T0 + 10); it goes once that tick passed
        assertThat(table.expiresAtMs(template)).isEqualTo(T0 + 10);
        sweep(T0 + 11);
        assertThat(table.isInUse(template)).isFalse();
        assertThat(dests.persistent(DEST)).isZero();

        int assured = tracker.openTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80, V4, 0, RIP, 80,
            ConnectionFlags.MASQ, 1, DEST, 360_000, T0);
        int f = open(TCP, ConnectionFlags.MASQ, 2, assured, T0);
        tracker.onPacket(f, Direction.INPUT, TcpFlags.SYN, T0);
        tracker.onPacket(f, Direction.INPUT, TcpFlags.ACK, T0);
        tracker.expireNow(f, T0 + 20);
        sweep(T0 + 21);
        sweep(T0 + 22);
        assertThat(table.isInUse(f)).isFalse();
        assertThat(table.isInUse(assured)).isTrue();
    }

    @Test
    void onePacketEntriesAreFreedAtOnceAndOnlyForUdp() {
        int e = open(UDP, ConnectionFlags.MASQ | ConnectionFlags.ONE_PACKET, 1, -1, T0);
        tracker.onPacket(e, Direction.INPUT, 0, T0);
        assertThat(tracker.scheduledEntries()).isZero();
        tracker.releaseOnePacket(e, T0);
        assertThat(table.isInUse(e)).isFalse();
        assertThat(dests.inactive(DEST)).isZero();

        int tcp = open(TCP, ConnectionFlags.MASQ | ConnectionFlags.ONE_PACKET, 1, -1, T0);
        assertThat(table.flags(tcp) & ConnectionFlags.ONE_PACKET).isZero();
    }

    @Test
    void upperThresholdSetsOverloadAtBindAndItClearsBelowThreeQuartersAtUnbind() {
        dests.setThresholds(DEST, 4, 0);
        int[] e = new int[4];
        for (int i = 0; i < 4; i++) {
            e[i] = open(UDP, ConnectionFlags.MASQ, i + 1, -1, T0);
            assertThat(dests.isOverloaded(DEST)).isEqualTo(i == 3);
        }
        tracker.expireNow(e[0], T0);
        sweep(T0 + 1);
        assertThat(dests.isOverloaded(DEST)).isTrue(); // 3 * 4 = 12 is not < 4 * 3 = 12
        tracker.expireNow(e[1], T0 + 1);
        sweep(T0 + 2);
        assertThat(dests.isOverloaded(DEST)).isFalse(); // 2 * 4 = 8 < 12
    }

    @Test
    void lowerThresholdDecidesWhenOverloadClears() {
        dests.setThresholds(DEST, 3, 1);
        int a = open(UDP, ConnectionFlags.MASQ, 1, -1, T0);
        int b = open(UDP, ConnectionFlags.MASQ, 2, -1, T0);
        open(UDP, ConnectionFlags.MASQ, 3, -1, T0);
        assertThat(dests.isOverloaded(DEST)).isTrue();
        tracker.expireNow(a, T0);
        tracker.expireNow(b, T0);
        sweep(T0 + 1);
        assertThat(dests.isOverloaded(DEST)).isTrue(); // 1 is not < 1
        dests.setThresholds(DEST, 5, 1); // raising the upper threshold clears at once
        assertThat(dests.isOverloaded(DEST)).isFalse();
    }

    @Test
    void synReusesOnlyClosedEntriesWithoutTemplate() {
        int e = open(TCP, ConnectionFlags.MASQ, 1, -1, T0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, T0);
        assertThat(tracker.isReusableBySyn(e, 1)).isFalse();
        tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, T0);
        assertThat(tracker.isReusableBySyn(e, 1)).isFalse(); // ESTABLISHED
        tracker.onPacket(e, Direction.INPUT, TcpFlags.RST, T0); // IN rst from ESTABLISHED: CLOSE
        assertThat(table.state(e)).isEqualTo(TcpStates.CLOSE);
        assertThat(tracker.isReusableBySyn(e, 1)).isTrue();
        assertThat(tracker.isReusableBySyn(e, 0)).isFalse();

        int dr = open(TCP, ConnectionFlags.DROUTE, 2, -1, T0);
        tracker.onPacket(dr, Direction.INPUT, TcpFlags.SYN, T0);
        tracker.onPacket(dr, Direction.INPUT, TcpFlags.ACK, T0);
        tracker.onPacket(dr, Direction.INPUT, TcpFlags.FIN, T0);
        assertThat(tracker.isReusableBySyn(dr, 1)).isFalse();
        assertThat(tracker.isReusableBySyn(dr, 3)).isTrue();
    }

    @Test
    void fullTableReturnsNotFoundAndLeavesCountersAlone() {
        ConnectionTable small = new ConnectionTable(2, 3);
        ConnectionTracker t = new ConnectionTracker(small, dests, timeouts, T0);
        t.open(V4, TCP, 0, CLIENT, 1, 0, VIP, 80, V4, 0, RIP, 80, 0, 1, DEST, -1, T0);
        t.open(V4, TCP, 0, CLIENT, 2, 0, VIP, 80, V4, 0, RIP, 80, 0, 1, DEST, -1, T0);
        assertThat(t.open(V4, TCP, 0, CLIENT, 3, 0, VIP, 80, V4, 0, RIP, 80, 0, 1, DEST, -1, T0))
            .isEqualTo(ConnectionTracker.NOT_FOUND);
        assertThat(small.failedInserts()).isEqualTo(1);
        assertThat(dests.inactive(DEST)).isEqualTo(2);
    }
}
