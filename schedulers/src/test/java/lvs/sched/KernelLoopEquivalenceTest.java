package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * lc, wlc, sed and nq read packed {@link LoadWord}s; here they must pick exactly what the kernel's loops pick
 * when written out literally over the plain accessors (weight, OVERLOAD, active, inactive), on many random
 * services that mix weight 0, OVERLOAD, ties and counts large enough to wrap the kernel's int overheads.
 * The reference loops below follow ip_vs_lc.c ({@code unsigned int} overheads), ip_vs_wlc.c, ip_vs_sed.c and
 * ip_vs_nq.c ({@code int} overheads, {@code (__s64)} products).
 */
class KernelLoopEquivalenceTest {
    private static final int SERVICES = 50_000;

    @Test
    void packedWalksPickWhatTheKernelLoopsPick() {
        SplittableRandom random = new SplittableRandom(42);
        Scheduler lc = SchedulerRegistry.create("lc", SchedulerSettings.defaults());
        Scheduler wlc = SchedulerRegistry.create("wlc", SchedulerSettings.defaults());
        Scheduler sed = SchedulerRegistry.create("sed", SchedulerSettings.defaults());
        Scheduler nq = SchedulerRegistry.create("nq", SchedulerSettings.defaults());
        MutableFlow flow = new MutableFlow().ipv4(1, 2, 3, 4);
        int wrapped = 0;
        for (int service = 0; service < SERVICES; service++) {
            DestinationArrays dests = randomService(random);
            for (int i = 0; i < dests.count(); i++) {
                wrapped += LoadWord.connectionOverhead(dests.activeConnections(i), dests.inactiveConnections(i)) < 0
                    ? 1 : 0;
            }
            String where = "service " + service + " " + describe(dests);
            assertThat(lc.select(dests, flow)).as("lc " + where).isEqualTo(kernelLc(dests));
            assertThat(wlc.select(dests, flow)).as("wlc " + where).isEqualTo(kernelWlc(dests));
            assertThat(sed.select(dests, flow)).as("sed " + where).isEqualTo(kernelSed(dests));
            assertThat(nq.select(dests, flow)).as("nq " + where).isEqualTo(kernelNq(dests));
        }
        assertThat(wrapped).as("some overheads wrap, as they can in the kernel").isGreaterThan(1000);
    }

    @Test
    void keptWordsEqualTheDefaultsAfterEveryMutation() {
        SplittableRandom random = new SplittableRandom(7);
        DestinationArrays dests = new DestinationArrays(DestinationView.AF_INET, 1);
        DestinationView plain = plainView(dests);
        for (int step = 0; step < 20_000; step++) {
            int count = dests.count();
            int op = count == 0 ? 0 : random.nextInt(5);
            int index = count == 0 ? 0 : random.nextInt(count);
            switch (op) {
                case 0 -> dests.addIpv4(random.nextInt(), 80, random.nextInt(4));
                case 1 -> { if (count > 1) dests.remove(index); }
                case 2 -> dests.setWeight(index, random.nextInt(4));
                case 3 -> dests.setConnections(index, randomCount(random), randomCount(random));
                default -> dests.setOverloaded(index, random.nextBoolean());
            }
            for (int i = 0; i < dests.count(); i++) {
                assertThat(dests.connectionLoad(i)).as("step %d dest %d", step, i).isEqualTo(plain.connectionLoad(i));
                assertThat(dests.expectedDelayLoad(i)).as("step %d dest %d", step, i)
                    .isEqualTo(plain.expectedDelayLoad(i));
            }
        }
    }

    private static DestinationArrays randomService(SplittableRandom random) {
        int count = random.nextInt(13);
        DestinationArrays dests = new DestinationArrays(DestinationView.AF_INET, count);
        for (int i = 0; i < count; i++) {
            // Weights 0..3: many ties and quiesced servers; now and then a negative one, which ipvsadm never
            // sets but the walks must still treat exactly as the kernel's arithmetic would.
            int weight = random.nextInt(40) == 0 ? -1 - random.nextInt(2) : random.nextInt(4);
            dests.addIpv4(0x0a000000 + i, 80, weight);
        }
        for (int i = 0; i < count; i++) {
            dests.setConnections(i, randomCount(random), randomCount(random));
            dests.setOverloaded(i, random.nextInt(5) == 0);
        }
        return dests;
    }

    /** Mostly small counts (ties, idle servers), sometimes ones whose overhead wraps an int. */
    private static int randomCount(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1 << (23 + random.nextInt(2)); // (2^23 << 8) and (2^24 << 8) wrap
            case 2 -> Integer.MAX_VALUE - random.nextInt(2); // active + 1 wraps too
            default -> random.nextInt(4);
        };
    }

    private static int kernelLc(DestinationView d) {
        int least = Scheduler.NONE;
        int loh = 0;
        for (int i = 0; i < d.count(); i++) {
            if (d.overloaded(i) || d.weight(i) == 0) {
                continue;
            }
            int doh = (d.activeConnections(i) << 8) + d.inactiveConnections(i);
            if (least == Scheduler.NONE || Integer.compareUnsigned(doh, loh) < 0) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }

    private static int kernelWlc(DestinationView d) {
        return weightedLeast(d, true);
    }

    private static int kernelSed(DestinationView d) {
        return weightedLeast(d, false);
    }

    private static int weightedLeast(DestinationView d, boolean connectionOverhead) {
        int least = 0;
        for (; least < d.count(); least++) {
            if (!d.overloaded(least) && d.weight(least) > 0) {
                break;
            }
        }
        if (least == d.count()) {
            return Scheduler.NONE;
        }
        int loh = overhead(d, least, connectionOverhead);
        for (int i = least + 1; i < d.count(); i++) {
            if (d.overloaded(i)) {
                continue;
            }
            int doh = overhead(d, i, connectionOverhead);
            if ((long) loh * d.weight(i) > (long) doh * d.weight(least)) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }

    private static int kernelNq(DestinationView d) {
        int least = Scheduler.NONE;
        int loh = 0;
        for (int i = 0; i < d.count(); i++) {
            if (d.overloaded(i) || d.weight(i) == 0) {
                continue;
            }
            int doh = d.activeConnections(i) + 1;
            if (d.activeConnections(i) == 0) {
                return i;
            }
            if (least == Scheduler.NONE || (long) loh * d.weight(i) > (long) doh * d.weight(least)) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }

    private static int overhead(DestinationView d, int i, boolean connectionOverhead) {
        return connectionOverhead
            ? (d.activeConnections(i) << 8) + d.inactiveConnections(i)
            : d.activeConnections(i) + 1;
    }

    private static String describe(DestinationView d) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < d.count(); i++) {
            text.append(d.weight(i)).append(':').append(d.activeConnections(i)).append(':')
                .append(d.inactiveConnections(i)).append(d.overloaded(i) ? ":O " : " ");
        }
        return text.toString().trim();
    }

    /** The same destinations through the interface's default word methods only. */
    private static DestinationView plainView(DestinationArrays d) {
        return new DestinationView() {
            @Override public int count() { return d.count(); }
            @Override public int weight(int index) { return d.weight(index); }
            @Override public int lastWeight(int index) { return d.lastWeight(index); }
            @Override public int activeConnections(int index) { return d.activeConnections(index); }
            @Override public int inactiveConnections(int index) { return d.inactiveConnections(index); }
            @Override public boolean overloaded(int index) { return d.overloaded(index); }
            @Override public boolean available(int index) { return d.available(index); }
            @Override public int addressFamily() { return d.addressFamily(); }
            @Override public int ipv4Address(int index) { return d.ipv4Address(index); }
            @Override public int ipv6AddressWord(int index, int word) { return d.ipv6AddressWord(index, word); }
            @Override public int port(int index) { return d.port(index); }
            @Override public int schedulerFlags() { return d.schedulerFlags(); }
        };
    }
}
