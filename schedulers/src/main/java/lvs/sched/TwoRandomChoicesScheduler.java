package lvs.sched;

import java.util.function.IntSupplier;

/**
 * {@code twos} (ip_vs_twos.c, Linux 6.5+): power of two choices. Draw two weighted-random destinations
 * among those with weight > 0 and no OVERLOAD, and keep the one with less overhead per unit of weight
 * (the first draw on a tie).
 */
public final class TwoRandomChoicesScheduler implements Scheduler {
    public static final String NAME = "twos";

    private final IntSupplier random;

    public TwoRandomChoicesScheduler(SchedulerSettings settings) {
        this.random = settings.random();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        int count = dests.count();
        int totalWeight = 0;
        for (int i = 0; i < count; i++) {
            if (eligible(dests, i)) {
                totalWeight += dests.weight(i);
            }
        }
        if (totalWeight == 0) {
            return NONE;
        }
        // The kernel draws from [0, total] inclusive: get_random_u32() % (total + 1).
        int remaining1 = Integer.remainderUnsigned(random.getAsInt(), totalWeight + 1);
        int remaining2 = Integer.remainderUnsigned(random.getAsInt(), totalWeight + 1);
        int choice1 = NONE;
        int choice2 = NONE;
        for (int i = 0; i < count && (choice1 == NONE || choice2 == NONE); i++) {
            if (!eligible(dests, i)) {
                continue;
            }
            int weight = dests.weight(i);
            remaining1 -= weight;
            remaining2 -= weight;
            if (remaining1 <= 0 && choice1 == NONE) {
                choice1 = i;
            }
            if (remaining2 <= 0 && choice2 == NONE) {
                choice2 = i;
            }
        }
        long weighted2 = (long) dests.weight(choice2) * LeastConnection.overhead(dests, choice1);
        long weighted1 = (long) dests.weight(choice1) * LeastConnection.overhead(dests, choice2);
        return weighted2 > weighted1 ? choice2 : choice1;
    }

    private static boolean eligible(DestinationView dests, int i) {
        return !dests.overloaded(i) && dests.weight(i) > 0;
    }
}
