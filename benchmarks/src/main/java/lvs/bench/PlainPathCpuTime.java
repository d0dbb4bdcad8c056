package lvs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link PlainPathBenchmark}'s two tables timed side by side by thread CPU time, for a shared machine
 * where wall-clock JMH errors are as large as the numbers: one JVM builds the {@code plain} and the
 * {@code mixed} state for a traffic kind, warms both, then alternates rounds of the same number of
 * frames through each and reads {@link ThreadMXBean#getCurrentThreadCpuTime} around every round (time
 * spent descheduled does not count). Prints each table's median and best ns per packet and the ratio
 * of each round's pair (the two measured back to back, so a slow spell of the shared machine hits both):
 * its median and quartiles.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar lvs.bench.PlainPathCpuTime [rounds] [batchesPerRound] [table] [traffic]
 * </pre>
 *
 * {@code table} (default {@code mixed}) may also be {@code persistent} or {@code fwmark}: only that kind
 * added to the plain table, to see which one costs; {@code traffic} defaults to both.
 */
public final class PlainPathCpuTime {
    private PlainPathCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 16_384;
        String other = args.length > 2 ? args[2] : "mixed";
        String[] kinds = args.length > 3 ? new String[] {args[3]} : new String[] {"syn", "established"};
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (String traffic : kinds) {
            PlainPathBenchmark plain = state("plain", traffic);
            PlainPathBenchmark mixed = state(other, traffic);
            for (int i = 0; i < 3; i++) { // warm-up: compile both with both tables' data
                run(plain, batches);
                run(mixed, batches);
            }
            double[] plainNs = new double[rounds];
            double[] mixedNs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // Alternate which goes first, so that a slow spell does not always hit the same one.
                boolean plainFirst = r % 2 == 0;
                double first = time(cpu, plainFirst ? plain : mixed, batches);
                double second = time(cpu, plainFirst ? mixed : plain, batches);
                plainNs[r] = plainFirst ? first : second;
                mixedNs[r] = plainFirst ? second : first;
            }
            plain.check();
            mixed.check();
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = mixedNs[r] / plainNs[r];
            }
            Arrays.sort(ratio);
            Arrays.sort(plainNs);
            Arrays.sort(mixedNs);
            double plainMedian = plainNs[rounds / 2];
            double mixedMedian = mixedNs[rounds / 2];
            System.out.printf("%-12s plain median %6.1f best %6.1f | %s median %6.1f best %6.1f | paired ratio "
                    + "%s/plain median %.3f (quartiles %.3f..%.3f)  (ns/packet, thread CPU, %d rounds x %d packets)%n",
                traffic, plainMedian, plainNs[0], other, mixedMedian, mixedNs[0], other, ratio[rounds / 2],
                ratio[rounds / 4], ratio[rounds * 3 / 4], rounds, batches * 64);
        }
    }

    private static PlainPathBenchmark state(String table, String traffic) {
        PlainPathBenchmark b = new PlainPathBenchmark();
        b.table = table;
        b.traffic = traffic;
        b.build();
        return b;
    }

    private static void run(PlainPathBenchmark b, int batches) {
        for (int i = 0; i < batches; i++) {
            b.plainServicePackets();
        }
    }

    private static double time(ThreadMXBean cpu, PlainPathBenchmark b, int batches) {
        long start = cpu.getCurrentThreadCpuTime();
        run(b, batches);
        return (cpu.getCurrentThreadCpuTime() - start) / (batches * 64.0);
    }
}
