package lvs.table;

/** The rate estimator's output as {@code --rate} shows it: per second, already scaled down. */
public record Rates(long connectionsPerSecond, long inPacketsPerSecond, long outPacketsPerSecond,
                    long inBytesPerSecond, long outBytesPerSecond) {
    public static final Rates ZERO = new Rates(0, 0, 0, 0, 0);
}
