package lvs.conn;

/**
 * An open-addressing (linear probing) index from a 64-bit key hash to an entry number. It stores no
 * keys: each {@code int} cell holds {@code tag << entryBits | (entry + 1)}, where the tag is the top
 * bits of the hash, so most non-matching cells are rejected without touching the entry (a cache miss).
 * 0 is an empty cell. The caller walks the probe sequence and compares keys itself.
 *
 * <p>The index has at least twice as many cells as the table has entries, so it never fills and the
 * load factor stays at or below 1/2.
 *
 * <p><b>Deletion is backward-shift (Knuth's Algorithm R), not tombstones.</b> A connection table churns
 * constantly (every connection is inserted once and deleted once), and every new connection starts
 * with a lookup that misses. Tombstones would pile up, lengthen exactly those misses, and eventually
 * force a full rehash: a latency spike on the data plane. Backward shift leaves the index as if the
 * deleted key had never been inserted, at the price of recomputing the home cell of the few entries
 * after it in the cluster (short at load 1/2).
 */
final class HashIndex {
    /** Computes an entry's key hash again, for moving cells during deletion. */
    interface Rehash {
        long hashOf(int entry);
    }

    final int[] cells;
    final int mask;
    final int entryBits;
    final int entryMask;
    private final int tagShift;

    HashIndex(int capacity) {
        int size = Integer.highestOneBit(Math.max(capacity, 2) - 1) << 2;
        if (size <= 0) {
            throw new IllegalArgumentException("capacity too large: " + capacity);
        }
        cells = new int[size];
        mask = size - 1;
        entryBits = 32 - Integer.numberOfLeadingZeros(capacity);
        entryMask = entryBits == 32 ? -1 : (1 << entryBits) - 1;
        tagShift = 64 - (32 - entryBits);
    }

    int home(long hash) {
        return (int) hash & mask;
    }

    /** The tag for {@code hash}, already shifted into the position it has in a cell. */
    int tag(long hash) {
        return entryBits == 32 ? 0 : (int) (hash >>> tagShift) << entryBits;
    }

    /** Entry number held by a non-empty cell. */
    int entryOf(int cell) {
        return (cell & entryMask) - 1;
    }

    /** Whether a non-empty cell carries {@code tag} (a candidate worth comparing keys for). */
    boolean tagMatches(int cell, int tag) {
        return (cell & ~entryMask) == tag;
    }

    void insert(long hash, int entry) {
        int cell = tag(hash) | (entry + 1);
        int i = home(hash);
        while (cells[i] != 0) {
            i = (i + 1) & mask;
        }
        cells[i] = cell;
    }

    /** Removes {@code entry}, which must be present under {@code hash}. */
    void remove(long hash, int entry, Rehash rehash) {
        int i = home(hash);
        while (entryOf(cells[i]) != entry) {
            if (cells[i] == 0) {
                throw new IllegalStateException("entry " + entry + " is not in the index");
            }
            i = (i + 1) & mask;
        }
        cells[i] = 0;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int cell = cells[j];
            if (cell == 0) {
                return;
            }
            int k = home(rehash.hashOf(entryOf(cell)));
            // The cell at j may stay only if its home k lies cyclically in (i, j]; otherwise the hole
            // at i would cut it off from its home, so move it into the hole.
            boolean staysPut = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!staysPut) {
                cells[i] = cell;
                cells[j] = 0;
                i = j;
            }
        }
    }

    void clear() {
        java.util.Arrays.fill(cells, 0);
    }
}
