package lvs.sched;

/**
 * {@code wrr} (ip_vs_wrr.c): passes over the list with a falling current weight {@code cw} = mw, mw-di, ...,
 * where di is the gcd of the positive weights and mw = max weight - (di - 1); each pass picks, in list order,
 * the destinations with weight >= cw and no OVERLOAD. Weights 1 then 2 added give B, A, B, B, A, B, B, A, ...
 */
public final class WeightedRoundRobinScheduler implements Scheduler {
    public static final String NAME = "wrr";

    private static final int HEAD = -1;
    private int current = HEAD;      // cl: the last pick, or the list head
    private int currentWeight;       // cw
    private int maxWeight;           // mw
    private int step = 1;            // di

    public WeightedRoundRobinScheduler(SchedulerSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int select(DestinationView dests, FlowView flow) {
        if (maxWeight == 0) {
            return NONE; // every weight is 0
        }
        int count = dests.count();
        int last = current < count ? current : HEAD;
        int stop = Integer.MIN_VALUE; // index at which the final pass gives up; none yet
        boolean lastPass = false;
        boolean restarted = false;
        int i = last;
        while (true) {
            for (i = i + 1; i < count; i++) {
                if (!dests.overloaded(i) && dests.weight(i) >= currentWeight) {
                    current = i;
                    return i;
                }
                if (i == stop) {
                    current = i;
                    return NONE;
                }
            }
            i = HEAD; // fell off the end: next pass starts at the head with a lower cw
            currentWeight -= step;
            if (currentWeight <= 0) {
                currentWeight = maxWeight;
                // Give up if the pass at cw <= di already covered everything, or if it started at the head.
                if (lastPass || last == HEAD) {
                    current = HEAD;
                    return NONE;
                }
                restarted = true;
            }
            lastPass = currentWeight <= step;
            if (lastPass && restarted && last != HEAD) {
                stop = last; // check the dests up to the start once for weight >= 1, then fail
            }
        }
    }

    @Override
    public void onBound(DestinationView dests) {
        current = HEAD;
        recompute(dests);
        currentWeight = maxWeight;
    }

    @Override
    public void onDestinationAdded(DestinationView dests, int index) {
        destinationsChanged(dests);
    }

    @Override
    public void onDestinationRemoved(DestinationView dests, int formerIndex) {
        destinationsChanged(dests);
    }

    @Override
    public void onDestinationUpdated(DestinationView dests, int index) {
        destinationsChanged(dests);
    }

    /** The kernel's dest_changed: restart at the head and keep cw on the new di grid. */
    private void destinationsChanged(DestinationView dests) {
        current = HEAD;
        recompute(dests);
        if (currentWeight > maxWeight || currentWeight == 0) {
            currentWeight = maxWeight;
        } else if (step > 1) {
            currentWeight = (currentWeight / step) * step + 1;
        }
    }

    private void recompute(DestinationView dests) {
        int gcd = 0;
        int max = 0;
        for (int i = 0; i < dests.count(); i++) {
            int weight = dests.weight(i);
            if (weight > 0) {
                gcd = gcd > 0 ? gcd(weight, gcd) : weight;
            }
            max = Math.max(max, weight);
        }
        step = gcd > 0 ? gcd : 1;
        maxWeight = max - (step - 1);
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
