package lvs.bench;

import java.util.concurrent.TimeUnit;
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
 * {@link lvs.sched.Scheduler} interface the data plane uses, on the service {@link SchedulerWorkload} builds.
 *
 * <p>Run {@code -prof gc} to check that picks allocate nothing. On a shared machine, {@link SchedulerCpuTime}
 * measures the same picks by thread CPU time.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SchedulerBenchmark {
    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh", "fo", "ovf", "twos"})
    public String scheduler;

    @Param({"2", "10", "100", "1000"})
    public int destinations;

    private SchedulerWorkload workload;

    @Setup(Level.Trial)
    public void bind() {
        workload = new SchedulerWorkload(scheduler, destinations);
    }

    @Setup(Level.Iteration)
    public void tick() {
        workload.tick();
    }

    @Benchmark
    public int pick() {
        return workload.pick();
    }
}
