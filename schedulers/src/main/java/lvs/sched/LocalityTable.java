package lvs.sched;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * The per-service table of lblc and lblcr: packet destination address → an int value (a destination index
 * for lblc, a replica-set handle for lblcr), with {@code lastuse} times, in 1024 buckets chained by
 * {@code hash_32(fold(daddr), 10)}. Entries live in a pooled struct of arrays that only grows, so steady-state
 * picks allocate nothing.
 *
 * <p>Garbage collection follows the kernel's 60 s timer, driven by the injected clock from {@link #expire}:
 * every 30th tick a full sweep drops entries unused for the expiration sysctl; otherwise, only when the table
 * holds more than 16384 entries, it drops entries unused for 6 minutes until a goal is met.
 */
final class LocalityTable {
    static final int BITS = 10;
    static final int BUCKETS = 1 << BITS;
    static final int MAX_SIZE = BUCKETS * 16;
    static final long CHECK_INTERVAL_MILLIS = 60_000;
    static final long ENTRY_TIMEOUT_MILLIS = 6 * 60_000;
    static final int TICKS_PER_FULL_CHECK = 30;
    private static final int END = -1;

    private final int[] bucketHead = new int[BUCKETS];
    private final IntConsumer onFree; // told each freed entry's value, so lblcr can release its set
    private int[] next = new int[256];
    private int[] key = new int[256 * 4];
    private int[] value = new int[256];
    private long[] lastUse = new long[256];
    private int freeList = END;
    private int used;       // high-water mark of the pool
    private int entries;
    private int counter = 1;
    private int rover;
    private long nextCheckMillis = Long.MIN_VALUE;

    LocalityTable(IntConsumer onFree) {
        this.onFree = onFree;
        Arrays.fill(bucketHead, END);
    }

    /** Entry for the flow's destination address, or -1. */
    int find(FlowView flow) {
        boolean v6 = flow.addressFamily() == DestinationView.AF_INET6;
        for (int e = bucketHead[bucketOf(flow)]; e != END; e = next[e]) {
            int k = e * 4;
            if (v6 ? key[k] == flow.destinationIpv6AddressWord(0) && key[k + 1] == flow.destinationIpv6AddressWord(1)
                    && key[k + 2] == flow.destinationIpv6AddressWord(2) && key[k + 3] == flow.destinationIpv6AddressWord(3)
                : key[k] == flow.destinationIpv4Address()) {
                return e;
            }
        }
        return END;
    }

    /** Adds an entry for the flow's destination address (the caller knows there is none yet). */
    int insert(FlowView flow, int entryValue, long nowMillis) {
        int e = allocate();
        boolean v6 = flow.addressFamily() == DestinationView.AF_INET6;
        for (int w = 0; w < 4; w++) {
            key[e * 4 + w] = v6 ? flow.destinationIpv6AddressWord(w) : (w == 0 ? flow.destinationIpv4Address() : 0);
        }
        value[e] = entryValue;
        lastUse[e] = nowMillis;
        int bucket = bucketOf(flow);
        next[e] = bucketHead[bucket];
        bucketHead[bucket] = e;
        entries++;
        return e;
    }

    int value(int entry) { return value[entry]; }
    void value(int entry, int newValue) { value[entry] = newValue; }
    void touch(int entry, long nowMillis) { lastUse[entry] = nowMillis; }
    int entries() { return entries; }

    /** Rewrites every live value, e.g. to follow destination indices when the list changes. */
    void remapValues(IntUnaryOperator remap) {
        for (int b = 0; b < BUCKETS; b++) {
            for (int e = bucketHead[b]; e != END; e = next[e]) {
                value[e] = remap.applyAsInt(value[e]);
            }
        }
    }

    /** Runs every 60 s check that is due by {@code nowMillis}, each at its own scheduled time. */
    void expire(long nowMillis, long expirationMillis) {
        if (nextCheckMillis == Long.MIN_VALUE) {
            nextCheckMillis = nowMillis + CHECK_INTERVAL_MILLIS; // the timer starts when first used
        }
        while (nowMillis >= nextCheckMillis) {
            periodicCheck(nextCheckMillis, expirationMillis);
            nextCheckMillis += CHECK_INTERVAL_MILLIS;
        }
    }

    /** Starts the 60 s timer now, as init_service does. */
    void startTimer(long nowMillis) {
        nextCheckMillis = nowMillis + CHECK_INTERVAL_MILLIS;
    }

    private void periodicCheck(long now, long expirationMillis) {
        if (counter % TICKS_PER_FULL_CHECK == 0) {
            sweep(now, expirationMillis, Integer.MAX_VALUE);
            counter = 1;
            return;
        }
        if (entries <= MAX_SIZE) {
            counter++;
            return;
        }
        int goal = Math.min((entries - MAX_SIZE) * 4 / 3, MAX_SIZE / 2);
        sweep(now, ENTRY_TIMEOUT_MILLIS, goal);
    }

    /** From the bucket after the rover, drop entries unused for {@code timeout}, until {@code goal} are gone. */
    private void sweep(long now, long timeoutMillis, int goal) {
        int bucket = rover;
        for (int i = 0; i < BUCKETS; i++) {
            bucket = (bucket + 1) & (BUCKETS - 1);
            int previous = END;
            for (int e = bucketHead[bucket]; e != END; ) {
                int following = next[e];
                if (now < lastUse[e] + timeoutMillis) {
                    previous = e;
                } else {
                    unlink(bucket, previous, e);
                    goal--;
                }
                e = following;
            }
            if (goal <= 0) {
                break;
            }
        }
        rover = bucket;
    }

    private void unlink(int bucket, int previous, int e) {
        if (previous == END) {
            bucketHead[bucket] = next[e];
        } else {
            next[previous] = next[e];
        }
        onFree.accept(value[e]);
        next[e] = freeList;
        freeList = e;
        entries--;
    }

    private int allocate() {
        if (freeList != END) {
            int e = freeList;
            freeList = next[e];
            return e;
        }
        if (used == value.length) {
            int capacity = used * 2;
            next = Arrays.copyOf(next, capacity);
            key = Arrays.copyOf(key, capacity * 4);
            value = Arrays.copyOf(value, capacity);
            lastUse = Arrays.copyOf(lastUse, capacity);
        }
        return used++;
    }

    private static int bucketOf(FlowView flow) {
        return KernelHash.hash32(KernelHash.foldedDestination(flow), BITS);
    }
}
