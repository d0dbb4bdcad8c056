package lvs.bench;

import java.util.SplittableRandom;
import lvs.sched.DestinationArrays;
import lvs.sched.MutableFlow;
import lvs.sched.Scheduler;
import lvs.sched.SchedulerRegistry;
import lvs.sched.SchedulerSettings;

/**
 * The service {@link SchedulerBenchmark} and {@link SchedulerCpuTime} pick from: destinations with weights
 * 1..5 and fixed connection counts with at least one active connection each (so nq scans the whole list
 * instead of stopping at an idle server), and 1024 distinct clients and destination addresses that rotate so
 * that the hashing schedulers and the lblc/lblcr caches see varied keys. lblc/lblcr read a clock field, as
 * the data plane passes its once-per-cycle time, rather than calling System.nanoTime per pick.
 */
final class SchedulerWorkload {
    private static final int FLOWS = 1024;

    private final MutableFlow[] flows = new MutableFlow[FLOWS];
    private final DestinationArrays dests;
    private final Scheduler instance;
    private long nowMillis = 1_000_000;
    private int next;

    SchedulerWorkload(String scheduler, int destinations) {
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

    /** One second passes (lblc/lblcr expiry sees time move). */
    void tick() {
        nowMillis += 1000;
    }

    int pick() {
        MutableFlow flow = flows[next++ & (FLOWS - 1)];
        return instance.select(dests, flow);
    }
}
