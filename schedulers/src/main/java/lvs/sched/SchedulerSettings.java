package lvs.sched;

import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What a scheduler may need from outside, fixed when it is created: a clock for lblc/lblcr (the kernel's
 * jiffies), their expiry sysctls, a random source for twos, and mh's compile-time table size.
 *
 * @param clockMillis          monotonic milliseconds; tests inject a manual clock
 * @param lblcExpirationMillis {@code net.ipv4.vs.lblc_expiration}, default 24 h
 * @param lblcrExpirationMillis {@code net.ipv4.vs.lblcr_expiration}, default 24 h
 * @param random               uniformly distributed 32-bit values ({@code get_random_u32})
 * @param mhTableIndex         {@code CONFIG_IP_VS_MH_TAB_INDEX}, 8..17, default 12 (a 4093-slot table)
 */
public record SchedulerSettings(LongSupplier clockMillis, long lblcExpirationMillis, long lblcrExpirationMillis,
                                IntSupplier random, int mhTableIndex) {
    public static final long DEFAULT_EXPIRATION_MILLIS = 24L * 60 * 60 * 1000;
    public static final int DEFAULT_MH_TABLE_INDEX = 12;

    public SchedulerSettings {
        if (mhTableIndex < 8 || mhTableIndex > 17) {
            throw new IllegalArgumentException("mh table index must be 8..17: " + mhTableIndex);
        }
    }

    /** The kernel's defaults, with the JVM's monotonic clock and a non-cryptographic random source. */
    public static SchedulerSettings defaults() {
        SplittableRandom random = new SplittableRandom();
        return new SchedulerSettings(() -> System.nanoTime() / 1_000_000, DEFAULT_EXPIRATION_MILLIS,
            DEFAULT_EXPIRATION_MILLIS, random::nextInt, DEFAULT_MH_TABLE_INDEX);
    }

    public SchedulerSettings withClock(LongSupplier clock) {
        return new SchedulerSettings(clock, lblcExpirationMillis, lblcrExpirationMillis, random, mhTableIndex);
    }

    public SchedulerSettings withRandom(IntSupplier source) {
        return new SchedulerSettings(clockMillis, lblcExpirationMillis, lblcrExpirationMillis, source, mhTableIndex);
    }

    public SchedulerSettings withExpirations(long lblcMillis, long lblcrMillis) {
        return new SchedulerSettings(clockMillis, lblcMillis, lblcrMillis, random, mhTableIndex);
    }
}
