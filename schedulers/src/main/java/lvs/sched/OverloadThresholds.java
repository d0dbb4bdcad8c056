package lvs.sched;

/**
 * The -x (upper) / -y (lower) connection thresholds that drive a destination's OVERLOAD flag
 * (kernel-ipvs.md §2.6). The data plane keeps the flag next to the connection counters and asks here after
 * every bind and unbind; schedulers only read the flag. "Total" is active + inactive connections;
 * persistence templates never count, but binding a template still runs the upper check.
 */
public final class OverloadThresholds {
    private OverloadThresholds() {
    }

    /** The kernel rejects a lower threshold above the upper one, and negative values, with -ERANGE. */
    public static boolean isValid(int upper, int lower) {
        return upper >= 0 && lower >= 0 && lower <= upper;
    }

    /** After binding a connection (or template): set OVERLOAD when {@code upper != 0 && total >= upper}. */
    public static boolean afterBind(boolean overloaded, int upper, int activeConnections, int inactiveConnections) {
        return overloaded || (upper != 0 && activeConnections + inactiveConnections >= upper);
    }

    /**
     * After unbinding (expiring) a connection: clear OVERLOAD below the lower threshold; with no lower
     * threshold, below 75 % of the upper one; with neither, unconditionally.
     */
    public static boolean afterUnbind(boolean overloaded, int upper, int lower,
                                      int activeConnections, int inactiveConnections) {
        int total = activeConnections + inactiveConnections;
        if (lower != 0) {
            return overloaded && total >= lower;
        }
        if (upper != 0) {
            return overloaded && (long) total * 4 >= (long) upper * 3;
        }
        return false;
    }

    /** Editing a destination clears OVERLOAD at once when the new upper threshold is 0 or higher than before. */
    public static boolean afterEdit(boolean overloaded, int oldUpper, int newUpper) {
        return overloaded && !(newUpper == 0 || newUpper > oldUpper);
    }
}
