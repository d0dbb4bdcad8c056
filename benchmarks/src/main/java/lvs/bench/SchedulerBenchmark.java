package lvs.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import lvs.sched.DestinationArrays;
import lvs.sched.MutableFlow;
import lvs.sched.Scheduler;
import lvs.sched.SchedulerRegistry;
import lvs.sched.SchedulerSettings;
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
 * Picks per second of every scheduler at 2, 10, 100 and 1000 destinations, one thread, through the same
 * {@link lvs.sched.Scheduler} interface the data plane uses. Destinations have weights 1..5 and fixed
 * connection counts with at least one active connection each (so nq scans the whole list instead of
 * stopping at an idle server); 1024 distinct clients and destination addresses rotate so that the hashing
 * schedulers and the lblc/lblcr caches see varied keys. lblc/lblcr read a clock field, as the data plane
 * passes its once-per-cycle time, rather than calling System.nanoTime per pick.
 *
 * <p>Run {@code -prof gc} to check that picks allocate nothing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SchedulerBenchmark {
    private static final int FLOWS = 1024;

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh", "fo", "ovf", "twos"})
    public String scheduler;

    @Param({"2", "10", "100", "1000"})
    public int destinations;

    private final MutableFlow[] flows = new MutableFlow[FLOWS];
    private DestinationArrays dests;
    private Scheduler instance;
    private long nowMillis = 1_000_000;
    private int next;

    @Setup(Level.Trial)
    public void bind() {
        SplittableRandom random = new SplittableRandom(17);
        dests = new DestinationArrays(DestinationArrays.AF_INET, destinations);
        SchedulerSettings settings = SchedulerSettings.defaults().withClock(() -> nowMillis);
        instance = SchedulerRegistry.create(scheduler, settings);
        instance.onBound(dests);
        for (int i = 0; i < destinations; i++) {
            int index = dests.addIpv4(0x0a010000 + i, 80, 1 + i % 5); // 10.1.x.y, newest first
            instance.onDestinationAdded(dests, index);
        }
        for (int i = 0; i < destinations; i++) {
            // ovf needs some destination with active <= weight, or every pick is NONE.
            int active = i % 7 == 0 ? 1 : 1 + random.nextInt(100);
            dests.setConnections(i, active, random.nextInt(1000));
        }
        for (int f = 0; f < FLOWS; f++) {
            flows[f] = new MutableFlow().ipv4(random.nextInt(), 1024 + random.nextInt(60000),
                0xc0a80000 | random.nextInt(65536), 80);
        }
    }

    @Setup(Level.Iteration)
    public void tick() {
        nowMillis += 1000;
    }

    @Benchmark
    public int pick() {
        MutableFlow flow = flows[next++ & (FLOWS - 1)];
        return instance.select(dests, flow);
    }
}
