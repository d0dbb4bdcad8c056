package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The packet path must not allocate: open, lookups, packets and expiry, measured per thread. */
class ConnectionPathAllocationTest {
    private static final int V4 = ConnectionTable.AF_INET;

    private final ConnectionTable table = new ConnectionTable(4096, 1);
    private final ConnectionTracker tracker = new ConnectionTracker(table, new DestinationCounters(4),
        new ProtocolTimeouts(), 0);
    private long now;

    private long run(int rounds) {
        long found = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 1000; i++) {
                int e = tracker.open(V4, 6, 0, i, 1000 + i, 0, 77, 80, V4, 0, 99, 8080, ConnectionFlags.MASQ, 0,
                    i & 3, -1, now);
                tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, now);
                tracker.onPacket(e, Direction.OUTPUT, TcpFlags.SYN | TcpFlags.ACK, now);
                found += table.findInbound(V4, 6, 0, i, 1000 + i, 0, 77, 80);
                found += table.findOutbound(V4, 6, 0, 99, 8080, 0, i, 1000 + i);
                tracker.onPacket(e, Direction.INPUT, TcpFlags.ACK, now); // ESTABLISHED
                tracker.onPacket(e, Direction.INPUT, TcpFlags.RST, now); // CLOSE, 10 s
            }
            now += 20_000; // CLOSE lasts 10 s: everything from this round is due
            while (tracker.expireDue(now, 256) == 256) {
                // drain
            }
        }
        return found;
    }

    @Test
    void packetPathDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        run(200); // warm up: let the JIT compile everything first
        long before = threads.getCurrentThreadAllocatedBytes();
        long found = run(50);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(found).isPositive();
        assertThat(table.size()).isZero();
        // a little slack for the measurement itself; 50 000 connections would need megabytes
        assertThat(allocated).isLessThan(1024);
    }
}
