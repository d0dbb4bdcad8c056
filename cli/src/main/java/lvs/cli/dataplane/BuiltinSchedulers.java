package lvs.cli.dataplane;

import lvs.sched.DestinationHashingScheduler;
import lvs.sched.LeastConnectionScheduler;
import lvs.sched.MaglevHashingScheduler;
import lvs.sched.NeverQueueScheduler;
import lvs.sched.OverflowConnectionScheduler;
import lvs.sched.RoundRobinScheduler;
import lvs.sched.Scheduler;
import lvs.sched.SchedulerSettings;
import lvs.sched.ShortestExpectedDelayScheduler;
import lvs.sched.SourceHashingScheduler;
import lvs.sched.TwoRandomChoicesScheduler;
import lvs.sched.WeightedFailoverScheduler;
import lvs.sched.WeightedLeastConnectionScheduler;
import lvs.sched.WeightedRoundRobinScheduler;

/**
 * The {@code -s} token → a new scheduler instance of the schedulers module. Wiring only (the
 * composition root knows every implementation); to be replaced by the registry's own factory lookup.
 */
final class BuiltinSchedulers {
    private BuiltinSchedulers() {
    }

    /** A fresh scheduler for {@code name}, or null when this build has none by that name. */
    static Scheduler create(String name) {
        SchedulerSettings s = SchedulerSettings.defaults();
        return switch (name) {
            case "rr" -> new RoundRobinScheduler(s);
            case "wrr" -> new WeightedRoundRobinScheduler(s);
            case "lc" -> new LeastConnectionScheduler(s);
            case "wlc" -> new WeightedLeastConnectionScheduler(s);
            case "sed" -> new ShortestExpectedDelayScheduler(s);
            case "nq" -> new NeverQueueScheduler(s);
            case "dh" -> new DestinationHashingScheduler(s);
            case "sh" -> new SourceHashingScheduler(s);
            case "mh" -> new MaglevHashingScheduler(s);
            case "fo" -> new WeightedFailoverScheduler(s);
            case "ovf" -> new OverflowConnectionScheduler(s);
            case "twos" -> new TwoRandomChoicesScheduler(s);
            default -> null;
        };
    }
}
