package lvs.sched;

/** Makes a fresh scheduler instance for one service; {@link SchedulerRegistry} maps each {@code -s} name to one. */
@FunctionalInterface
public interface SchedulerFactory {
    Scheduler create(SchedulerSettings settings);
}
