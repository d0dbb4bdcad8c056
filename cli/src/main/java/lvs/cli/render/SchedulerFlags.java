package lvs.cli.render;

import lvs.model.ServiceFlags;
import lvs.model.ServiceSpec;

/**
 * ipvsadm's {@code print_sched_flags}: {@code sh} and {@code mh} name their two flags, every other
 * scheduler shows {@code flag-1..3}. {@code sh} with only flag-3 yields an empty text, which ipvsadm
 * still wraps ({@code sh ()}, {@code -b }).
 */
final class SchedulerFlags {
    private SchedulerFlags() {
    }

    /** The comma-joined names, or null when none of SCHED1..3 is set. */
    static String text(ServiceSpec spec) {
        int f = spec.flags();
        if ((f & ServiceFlags.SCHED_MASK) == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        String sched = spec.scheduler();
        if (sched.equals("sh") || sched.equals("mh")) {
            add(s, f, ServiceFlags.SCHED1, sched + "-fallback");
            add(s, f, ServiceFlags.SCHED2, sched + "-port");
        } else {
            add(s, f, ServiceFlags.SCHED1, "flag-1");
            add(s, f, ServiceFlags.SCHED2, "flag-2");
            add(s, f, ServiceFlags.SCHED3, "flag-3");
        }
        return s.toString();
    }

    private static void add(StringBuilder s, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(name);
        }
    }
}
