package lvs.dataplane.net;

/**
 * An open-addressing map from (IPv6 address, int tag) to a long, for keys that do not fit one
 * {@code long}: IPv6 services (tag = protocol and port) and IPv6 neighbours (tag = interface index).
 * Lookups allocate nothing; the arrays grow (allocating) only when an insert fills them past 60 %.
 * No removal: entries are overwritten. Not thread-safe: one writer, or immutable after building.
 */
public final class Ipv6KeyMap {
    private final long missing;
    private long[] hi;
    private long[] lo;
    private int[] tag;
    private long[] value;
    private boolean[] used;
    private int mask;
    private int size;

    /** A map answering {@code missingValue} for absent keys. */
    public Ipv6KeyMap(int expected, long missingValue) {
        this.missing = missingValue;
        allocate(Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1);
    }

    private void allocate(int capacity) {
        hi = new long[capacity];
        lo = new long[capacity];
        tag = new int[capacity];
        value = new long[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
    }

    private int slot(long h, long l, int t) {
        long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL ^ t * 0x165667B19E3779F9L;
        x ^= x >>> 31;
        return (int) x & mask;
    }

    /** The value for the key, or the missing value. */
    public long get(long h, long l, int t) {
        for (int i = slot(h, l, t); used[i]; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l && tag[i] == t) {
                return value[i];
            }
        }
        return missing;
    }

    public boolean containsKey(long h, long l, int t) {
        for (int i = slot(h, l, t); used[i]; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l && tag[i] == t) {
                return true;
            }
        }
        return false;
    }

    /** Sets the value for the key. */
    public void put(long h, long l, int t, long v) {
        int i = slot(h, l, t);
        for (; used[i]; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l && tag[i] == t) {
                value[i] = v;
                return;
            }
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
        tag[i] = t;
        value[i] = v;
        if (++size * 10 > used.length * 6) {
            grow();
        }
    }

    private void grow() {
        long[] oh = hi;
        long[] ol = lo;
        int[] ot = tag;
        long[] ov = value;
        boolean[] ou = used;
        allocate(ou.length * 2);
        size = 0;
        for (int i = 0; i < ou.length; i++) {
            if (ou[i]) {
                put(oh[i], ol[i], ot[i], ov[i]);
            }
        }
    }

    public int size() {
        return size;
    }
}
