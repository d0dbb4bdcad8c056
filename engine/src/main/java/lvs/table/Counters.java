package lvs.table;

/**
 * One stats object as {@code --stats} shows it (the kernel's {@code ip_vs_kstats}), totals since the
 * last zero. Values are unsigned 64-bit in the kernel; they are kept in longs here.
 */
public record Counters(long connections, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);
}
