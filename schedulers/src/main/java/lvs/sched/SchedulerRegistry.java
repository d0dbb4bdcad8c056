package lvs.sched;

import java.util.List;

/**
 * The one list of scheduler names ({@code -s}); the table validates names here, as the kernel does
 * when it looks a scheduler module up (an unknown name is ENOENT).
 */
public final class SchedulerRegistry {
    private static final List<String> NAMES =
        List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

    private SchedulerRegistry() {
    }

    /** Every scheduler name, in the order the kernel documents them. */
    public static List<String> names() {
        return NAMES;
    }

    public static boolean isKnown(String name) {
        return NAMES.contains(name);
    }
}
