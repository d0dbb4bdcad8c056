package lvs.bench;

import java.util.concurrent.TimeUnit;
import lvs.conn.ConnectionFlags;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.Direction;
import lvs.conn.ProtocolTimeouts;
import lvs.conn.TcpFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection table at 1 M and 10 M live entries: lookups that hit (client tuple in, real-server
 * tuple out) and miss (every new connection's first lookup), churn at full occupancy (remove one
 * entry, insert one), and the whole life of a connection through the tracker (open, one packet, expiry
 * by the sweeper) in steady state. Keys are derived from an index so that the benchmark itself holds
 * no per-entry objects; the index is drawn from a xorshift generator so that accesses are random, as
 * they are for real traffic, and the caches mostly miss at these sizes.
 *
 * <p>Run with a heap large enough for 10 M entries (about 1.3 GB of arrays), e.g. {@code -Xmx4g}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class ConnectionTableBenchmark {
    private static final int TCP = 6;
    private static final int V4 = ConnectionTable.AF_INET;
    private static final long VIP = 0xC6120101L;
    private static final long RIP_BASE = 0xC6120200L;

    static long clientOf(int i) {
        return 0x0A000000L | (i >>> 14);
    }

    static int clientPortOf(int i) {
        return 1024 + (i & 0x3FFF);
    }

    static long realServerOf(int i) {
        return RIP_BASE + (i & 7);
    }

    /** A full table of NAT entries: keys 0..size-1 are present. */
    @State(Scope.Benchmark)
    public static class FullTable {
        @Param({"1000000", "10000000"})
        public int size;

        ConnectionTable table;
        long random = 0x9E3779B97F4A7C15L;

        @Setup(Level.Trial)
        public void fill() {
            table = new ConnectionTable(size, 42);
            for (int i = 0; i < size; i++) {
                insert(i);
            }
            System.out.printf("%n# %d entries: %.1f bytes per entry (entries %d B + indexes)%n", size,
                (double) table.footprintBytes() / size, ConnectionTable.ENTRY_BYTES);
        }

        int insert(int i) {
            return table.insert(V4, TCP, 0, clientOf(i), clientPortOf(i), 0, VIP, 80, V4, 0, realServerOf(i), 8080,
                ConnectionFlags.MASQ, 0, i & 7);
        }

        /** A uniformly random key index in [0, size), without division. */
        int nextIndex() {
            long x = random;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            random = x;
            return (int) (((x >>> 32) * size) >>> 32);
        }
    }

    @Benchmark
    public int lookupInboundHit(FullTable s) {
        int i = s.nextIndex();
        return s.table.findInbound(V4, TCP, 0, clientOf(i), clientPortOf(i), 0, VIP, 80);
    }

    @Benchmark
    public int lookupOutboundHit(FullTable s) {
        int i = s.nextIndex();
        return s.table.findOutbound(V4, TCP, 0, realServerOf(i), 8080, 0, clientOf(i), clientPortOf(i));
    }

    @Benchmark
    public int lookupInboundMiss(FullTable s) {
        int i = s.nextIndex();
        return s.table.findInbound(V4, TCP, 0, clientOf(i), clientPortOf(i), 0, VIP, 443);
    }

    /** Remove a random entry and insert it again: steady-state delete + insert at full occupancy. */
    @Benchmark
    public int churnRemoveInsert(FullTable s) {
        int i = s.nextIndex();
        int e = s.table.findInbound(V4, TCP, 0, clientOf(i), clientPortOf(i), 0, VIP, 80);
        s.table.remove(e);
        return s.insert(i);
    }

    /**
     * A tracker holding about {@code size} connections in steady state: each operation opens one
     * connection, gives it a SYN (SYN_RECV, 60 s), advances the clock by 60 s / size and lets the
     * sweeper expire what is due (bounded to 64 units of work per call, as a duty cycle would).
     */
    @State(Scope.Benchmark)
    public static class SteadyTracker {
        @Param({"1000000", "10000000"})
        public int size;

        ConnectionTracker tracker;
        long ops;
        int next;
        long nowMs;

        @Setup(Level.Trial)
        public void fill() {
            // headroom: the sweeper lags expiry by up to one 32 ms tick plus the work bound
            ConnectionTable table = new ConnectionTable(size + size / 8, 7);
            tracker = new ConnectionTracker(table, new DestinationCounters(8), new ProtocolTimeouts(), 0);
            for (int i = 0; i < size; i++) {
                step();
            }
        }

        int step() {
            int i = next++;
            int e = tracker.open(V4, TCP, 0, clientOf(i), clientPortOf(i), 0, VIP, 80, V4, 0, realServerOf(i), 80,
                ConnectionFlags.DROUTE, 0, i & 7, -1, nowMs);
            if (e >= 0) {
                tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, nowMs);
            }
            ops++;
            nowMs = ops * 60_000L / size;
            tracker.expireDue(nowMs, 64);
            return e;
        }
    }

    @Benchmark
    public int openSynExpireSteadyState(SteadyTracker s) {
        return s.step();
    }
}
