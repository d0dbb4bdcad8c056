/**
 * The kernel's IPVS schedulers, one small class each, behind a tiny allocation-free SPI. Pure Java, no I/O.
 *
 * <p>How the engine uses it:
 * <ol>
 *   <li>{@link lvs.sched.SchedulerRegistry#create} makes one {@link lvs.sched.Scheduler} per virtual service
 *       ({@link lvs.sched.SchedulerRegistry#isKnown} validates {@code -s}); {@link lvs.sched.SchedulerSettings}
 *       carries the clock (lblc/lblcr), expiry sysctls, random source (twos) and mh table size.</li>
 *   <li>The engine implements {@link lvs.sched.DestinationView} over its arrays (destinations newest first,
 *       counters, OVERLOAD flag, {@code last_weight}, the service's address family and {@code -b} flags) and
 *       {@link lvs.sched.FlowView} over its reused flow key, client to service direction.</li>
 *   <li>It calls {@link lvs.sched.Scheduler#onBound} once, then the add/remove/update hooks after each change to
 *       the list, on the thread that picks; {@link lvs.sched.Scheduler#select} per new connection returns an
 *       index or {@link lvs.sched.Scheduler#NONE} (drop and count).</li>
 *   <li>{@link lvs.sched.OverloadThresholds} tells the engine when to set and clear OVERLOAD on bind, unbind
 *       and edit.</li>
 * </ol>
 * {@link lvs.sched.DestinationArrays} and {@link lvs.sched.MutableFlow} are ready-made views for tests,
 * benchmarks and simple callers.
 */
package lvs.sched;
