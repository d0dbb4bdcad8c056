package lvs.sched;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one list of scheduler names ({@code -s}) and the factory behind each. The table validates names here,
 * as the kernel does when it looks a scheduler module up (an unknown name is ENOENT); the snapshot compiler
 * creates one scheduler per service with {@link #create}.
 */
public final class SchedulerRegistry {
    /** ipvsadm's default scheduler. */
    public static final String DEFAULT = WeightedLeastConnectionScheduler.NAME;

    private static final Map<String, SchedulerFactory> FACTORIES = factoriesInDocumentedOrder();
    private static final List<String> NAMES = List.copyOf(FACTORIES.keySet());

    private SchedulerRegistry() {
    }

    private static Map<String, SchedulerFactory> factoriesInDocumentedOrder() {
        Map<String, SchedulerFactory> factories = new LinkedHashMap<>();
        factories.put(RoundRobinScheduler.NAME, RoundRobinScheduler::new);
        factories.put(WeightedRoundRobinScheduler.NAME, WeightedRoundRobinScheduler::new);
        factories.put(LeastConnectionScheduler.NAME, LeastConnectionScheduler::new);
        factories.put(WeightedLeastConnectionScheduler.NAME, WeightedLeastConnectionScheduler::new);
        factories.put(LocalityBasedLeastConnectionScheduler.NAME, LocalityBasedLeastConnectionScheduler::new);
        factories.put(LocalityBasedLeastConnectionWithReplicationScheduler.NAME,
            LocalityBasedLeastConnectionWithReplicationScheduler::new);
        factories.put(DestinationHashingScheduler.NAME, DestinationHashingScheduler::new);
        factories.put(SourceHashingScheduler.NAME, SourceHashingScheduler::new);
        factories.put(ShortestExpectedDelayScheduler.NAME, ShortestExpectedDelayScheduler::new);
        factories.put(NeverQueueScheduler.NAME, NeverQueueScheduler::new);
        factories.put(WeightedFailoverScheduler.NAME, WeightedFailoverScheduler::new);
        factories.put(OverflowConnectionScheduler.NAME, OverflowConnectionScheduler::new);
        factories.put(MaglevHashingScheduler.NAME, MaglevHashingScheduler::new);
        factories.put(TwoRandomChoicesScheduler.NAME, TwoRandomChoicesScheduler::new);
        return Collections.unmodifiableMap(factories);
    }

    /** Every scheduler name, in the order the kernel documents them. */
    public static List<String> names() {
        return NAMES;
    }

    public static boolean isKnown(String name) {
        return FACTORIES.containsKey(name);
    }

    /** The factory for {@code name}; throws IllegalArgumentException for an unknown name (check {@link #isKnown}). */
    public static SchedulerFactory factory(String name) {
        SchedulerFactory factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown scheduler: " + name);
        }
        return factory;
    }

    /** A new, unbound scheduler; call {@link Scheduler#onBound} with the service's destinations next. */
    public static Scheduler create(String name, SchedulerSettings settings) {
        return factory(name).create(settings);
    }
}
