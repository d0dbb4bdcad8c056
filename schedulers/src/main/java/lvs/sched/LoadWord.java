package lvs.sched;

/**
 * One destination's load and weight packed in a {@code long}, so that the least-connection walks (lc, wlc,
 * sed, nq, lblc, lblcr) read one value per destination instead of four (weight, OVERLOAD, active,
 * inactive). The high 32 bits hold the load as the kernel's {@code int} (wrapping as it wraps), the low 32
 * bits the weight; an OVERLOADED destination is the word 0 (load 0, weight 0).
 *
 * <p>Why the 0 word is exact: the kernel skips OVERLOAD in every one of these walks. lc and nq skip weight 0
 * too, and the first candidate of wlc/sed/lblc needs weight > 0, so weight 0 already excludes. Later wlc/sed
 * candidates are compared as {@code load(least) * weight(d) > load(d) * weight(least)}, which is
 * {@code 0 > 0}, false, for the 0 word, so it never replaces the least. A destination that only has weight 0
 * keeps its real load, so a wrapped negative load still wins as it would in the kernel.
 */
public final class LoadWord {
    /** The word of an OVERLOADED destination. */
    public static final long OVERLOADED = 0L;

    private LoadWord() {
    }

    public static long pack(int load, int weight) {
        return ((long) load << 32) | (weight & 0xffff_ffffL);
    }

    /** The load, sign-extended: ready for the 64-bit cross-multiplication. */
    public static long load(long word) {
        return word >> 32;
    }

    public static int weight(long word) {
        return (int) word;
    }

    /** {@code ip_vs_dest_conn_overhead}: an active connection weighs 256 inactive ones, in an {@code int}. */
    public static int connectionOverhead(int active, int inactive) {
        return (active << 8) + inactive;
    }

    /** sed/nq's overhead: {@code activeconns + 1}, in an {@code int}. */
    public static int expectedDelayOverhead(int active) {
        return active + 1;
    }

    /** The lc/wlc/lblc/lblcr word of a destination. */
    public static long connectionLoad(boolean overloaded, int weight, int active, int inactive) {
        return overloaded ? OVERLOADED : pack(connectionOverhead(active, inactive), weight);
    }

    /** The sed/nq word of a destination. */
    public static long expectedDelayLoad(boolean overloaded, int weight, int active) {
        return overloaded ? OVERLOADED : pack(expectedDelayOverhead(active), weight);
    }
}
