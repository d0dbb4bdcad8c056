package lvs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The picks of {@link SchedulerBenchmark}, timed by this thread's CPU time instead of the wall clock, for a
 * machine whose cores are shared: time spent descheduled is not counted. Prints, per scheduler and size,
 * the median and best of several rounds as nanoseconds of CPU per pick and millions of picks per CPU-second.
 *
 * <pre>java -cp benchmarks.jar lvs.bench.SchedulerCpuTime lc,wlc,sed,nq 100 [rounds]</pre>
 */
public final class SchedulerCpuTime {
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final int PICKS_PER_ROUND = 2_000_000;

    private SchedulerCpuTime() {
    }

    public static void main(String[] args) {
        String[] schedulers = args[0].split(",");
        String[] sizes = args[1].split(",");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%-6s %6s %12s %12s %14s %14s%n", "sched", "dests", "median ns", "best ns",
            "median M/s", "best M/s");
        for (String size : sizes) {
            for (String scheduler : schedulers) {
                SchedulerWorkload workload = new SchedulerWorkload(scheduler, Integer.parseInt(size));
                long sink = 0;
                long warmEnd = System.nanoTime() + WARM_UP_NANOS;
                while (System.nanoTime() < warmEnd) {
                    for (int i = 0; i < 100_000; i++) {
                        sink += workload.pick();
                    }
                }
                double[] nanosPerPick = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    workload.tick();
                    long start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < PICKS_PER_ROUND; i++) {
                        sink += workload.pick();
                    }
                    nanosPerPick[r] = (threads.getCurrentThreadCpuTime() - start) / (double) PICKS_PER_ROUND;
                }
                Arrays.sort(nanosPerPick);
                double median = nanosPerPick[rounds / 2];
                double best = nanosPerPick[0];
                System.out.printf("%-6s %6s %12.1f %12.1f %14.1f %14.1f%s%n", scheduler, size, median, best,
                    1e3 / median, 1e3 / best, sink == 42 ? " " : "");
            }
        }
    }
}
