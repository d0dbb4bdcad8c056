package lvs.cli.ipvsadm;

import lvs.model.ServiceFlags;

/**
 * {@code -b}: comma-separated scheduler flags, checked against the final scheduler ({@code wlc} when
 * {@code -s} is absent). Empty pieces are skipped; a value made only of commas crashes ipvsadm 1.31.
 */
final class SchedFlags {
    private SchedFlags() {
    }

    static int parse(String scheduler, String text, Io io) {
        String sched = scheduler.isEmpty() ? "wlc" : scheduler;
        int flags = 0;
        boolean any = false;
        for (String flag : text.split(",")) {
            if (flag.isEmpty()) {
                continue;
            }
            any = true;
            flags |= switch (flag) {
                case "flag-1" -> ServiceFlags.SCHED1;
                case "flag-2" -> ServiceFlags.SCHED2;
                case "flag-3" -> ServiceFlags.SCHED3;
                case "sh-fallback" -> only("sh", sched, flag, ServiceFlags.SCHED1, io);
                case "sh-port" -> only("sh", sched, flag, ServiceFlags.SCHED2, io);
                case "mh-fallback" -> only("mh", sched, flag, ServiceFlags.SCHED1, io);
                case "mh-port" -> only("mh", sched, flag, ServiceFlags.SCHED2, io);
                default -> throw io.fail("invalid scheduler flag `" + flag + "'");
            };
        }
        if (!any) {
            throw io.segfault(); // strtok found no token and ipvsadm dereferenced its NULL result
        }
        return flags;
    }

    private static int only(String wanted, String sched, String flag, int bit, Io io) {
        if (!sched.equals(wanted)) {
            throw io.fail("incompatible scheduler flag `" + flag + "'");
        }
        return bit;
    }
}
