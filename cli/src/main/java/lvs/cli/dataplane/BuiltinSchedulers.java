package lvs.cli.dataplane;

import lvs.sched.Scheduler;
import lvs.sched.SchedulerRegistry;
import lvs.sched.SchedulerSettings;

/**
 * The {@code -s} token → a new scheduler instance, through {@link SchedulerRegistry}: the one list
 * of scheduler names, which the table also validates {@code -s} against, so a name the table
 * accepts always has a scheduler here.
 */
final class BuiltinSchedulers {
    private BuiltinSchedulers() {
    }

    /**
     * A fresh scheduler for {@code name} with the kernel's defaults, or null for the table's special
     * name {@code none} (no scheduler: new connections are dropped and counted, as in the kernel).
     */
    static Scheduler create(String name) {
        if (!SchedulerRegistry.isKnown(name)) {
            return null;
        }
        return SchedulerRegistry.create(name, SchedulerSettings.defaults());
    }
}
