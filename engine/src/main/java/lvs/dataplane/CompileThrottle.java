package lvs.dataplane;

/**
 * Paces snapshot compiles (and the kernel-guard updates that go with them) while table changes keep
 * arriving, e.g. during a 110,000-line {@code ipvsadm -R}: a compile may start at once when the last
 * one ended long enough ago (an isolated {@code ipvsadm -A} is applied as fast as before), otherwise
 * only after a pause of {@code factor} times the last compile's duration, so compiling takes at most
 * about {@code 1 / (1 + factor)} of a CPU. The caller comes back by {@link #nextStartNs} and compiles the latest
 * generation when allowed, so the last change is always compiled. Time in nanoseconds from any monotonic clock.
 * One thread.
 */
final class CompileThrottle {
    private final long factor;
    private boolean compiled;
    private long lastEndNs;
    private long lastDurationNs;

    /** @param factor pause between compiles in units of the last compile's duration (e.g. 2) */
    CompileThrottle(long factor) {
        this.factor = factor;
    }

    /** Whether a compile may start at {@code nowNs}. */
    boolean mayStart(long nowNs) {
        return !compiled || nowNs - lastEndNs >= factor * lastDurationNs;
    }

    /** A compile (with its publish and guard work) ran from {@code startNs} to {@code endNs}. */
    void finished(long startNs, long endNs) {
        compiled = true;
        lastEndNs = endNs;
        lastDurationNs = Math.max(0, endNs - startNs);
    }

    /** The earliest time the next compile may start. */
    long nextStartNs() {
        return compiled ? lastEndNs + factor * lastDurationNs : Long.MIN_VALUE;
    }
}
