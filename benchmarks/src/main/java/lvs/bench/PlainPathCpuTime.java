package lvs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One {@link PlainPathBenchmark} state timed by thread CPU time, for a shared machine where wall-clock
 * JMH errors are as large as the numbers: builds the state, warms it, then runs rounds of the same
 * number of frames and reads {@link ThreadMXBean#getCurrentThreadCpuTime} around each (time spent
 * descheduled does not count). Prints the median and best ns per packet.
 *
 * <p>One state per JVM, on purpose: with two states in one JVM, the one built second measured 1.24x
 * (new connections) and 1.65x (established) slower even when both were the plain table (an A/A run
 * on 2026-11-21), so comparisons are made between JVMs run alternately (see docs/benchmarks.md):
 *
 * <pre>
 * for i in 1 2 3 4 5 6; do for t in plain mixed; do
 *   java -cp benchmarks/target/benchmarks.jar lvs.bench.PlainPathCpuTime $t established 15 4096
 * done; done
 * </pre>
 *
 * {@code table} is {@code plain} or {@code mixed}, or {@code persistent} / {@code fwmark} (only that
 * kind added); {@code traffic} is {@code syn} or {@code established}.
 */
public final class PlainPathCpuTime {
    private PlainPathCpuTime() {
    }

    public static void main(String[] args) {
        String table = args.length > 0 ? args[0] : "plain";
        String traffic = args.length > 1 ? args[1] : "established";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int batches = args.length > 3 ? Integer.parseInt(args[3]) : 4096;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        PlainPathBenchmark state = new PlainPathBenchmark();
        state.table = table;
        state.traffic = traffic;
        state.build();
        for (int i = 0; i < 5; i++) { // warm-up: let the JIT compile the path first
            run(state, batches);
        }
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = cpu.getCurrentThreadCpuTime();
            run(state, batches);
            ns[r] = (cpu.getCurrentThreadCpuTime() - start) / (batches * 64.0);
        }
        state.check();
        Arrays.sort(ns);
        System.out.printf("%-10s %-12s median %6.1f best %6.1f ns/packet (thread CPU, %d rounds x %d packets)%n",
            table, traffic, ns[rounds / 2], ns[0], rounds, batches * 64);
    }

    private static void run(PlainPathBenchmark b, int batches) {
        for (int i = 0; i < batches; i++) {
            b.plainServicePackets();
        }
    }
}
