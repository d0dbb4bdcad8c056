package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryWheelTest {
    private final ConnectionTable table = new ConnectionTable(1024, 5);
    private final List<Integer> expired = new ArrayList<>();

    private int entry(int port, long expiresAtMs) {
        int e = table.insert(ConnectionTable.AF_INET, 17, 0, 1, port, 0, 2, 53, ConnectionTable.AF_INET, 0, 3, 53,
            ConnectionFlags.MASQ, 0, -1);
        table.setExpiresAtMs(e, expiresAtMs);
        return e;
    }

    private void onExpired(int e, long now) {
        expired.add(e);
        table.remove(e);
    }

    @Test
    void firesOnlyOnceTheEntrysTickHasPassed() {
        ExpiryWheel wheel = new ExpiryWheel(table, 100, 8, 0);
        int e = entry(1, 250);
        wheel.schedule(e);
        wheel.poll(299, 100, this::onExpired);
        assertThat(expired).isEmpty();
        wheel.poll(300, 100, this::onExpired);
        assertThat(expired).containsExactly(e);
        assertThat(wheel.scheduledCount()).isZero();
    }

    @Test
    void expiriesBeyondOneRevolutionAreRelinkedUntilDue() {
        ExpiryWheel wheel = new ExpiryWheel(table, 10, 4, 0); // one revolution = 40 ms
        int e = entry(1, 1_000);
        wheel.schedule(e);
        for (long now = 0; now < 1_000; now += 7) {
            wheel.poll(now, 100, this::onExpired);
            assertThat(expired).as("at %d", now).isEmpty();
        }
        wheel.poll(1_010, 1_000, this::onExpired);
        assertThat(expired).containsExactly(e);
    }

    @Test
    void growingExpiryIsHandledLazilyAndShrinkingNeedsReschedule() {
        ExpiryWheel wheel = new ExpiryWheel(table, 10, 64, 0);
        int grows = entry(1, 100);
        int shrinks = entry(2, 500);
        wheel.schedule(grows);
        wheel.schedule(shrinks);
        table.setExpiresAtMs(grows, 300); // no call to the wheel
        table.setExpiresAtMs(shrinks, 50);
        wheel.reschedule(shrinks);
        wheel.poll(200, 1_000, this::onExpired);
        assertThat(expired).containsExactly(shrinks);
        wheel.poll(310, 1_000, this::onExpired);
        assertThat(expired).containsExactly(shrinks, grows);
    }

    @Test
    void workPerCallIsBounded() {
        ExpiryWheel wheel = new ExpiryWheel(table, 10, 64, 0);
        for (int i = 0; i < 500; i++) {
            wheel.schedule(entry(i, 5));
        }
        int calls = 0;
        while (wheel.poll(100, 50, this::onExpired) == 50) {
            calls++;
            assertThat(expired.size()).isLessThanOrEqualTo(50 * calls);
        }
        assertThat(expired).hasSize(500);
        assertThat(table.size()).isZero();
        assertThat(calls).isGreaterThanOrEqualTo(9);
    }

    @Test
    void unscheduleFromTheMiddleOfAListKeepsTheRestLinked() {
        ExpiryWheel wheel = new ExpiryWheel(table, 10, 8, 0);
        int a = entry(1, 15);
        int b = entry(2, 15);
        int c = entry(3, 15);
        wheel.schedule(a);
        wheel.schedule(b);
        wheel.schedule(c);
        wheel.unschedule(b);
        assertThat(wheel.isScheduled(b)).isFalse();
        wheel.poll(100, 100, this::onExpired);
        assertThat(expired).containsExactlyInAnyOrder(a, c);
    }
}
