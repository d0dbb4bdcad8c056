package lvs.io;

/**
 * The interfaces a multi-interface {@link PacketIo} backend serves, in the order they were opened: which
 * position serves a kernel interface index, and which to poll next. Shared by the backends so that each
 * keeps only its own per-interface handles (sockets, pcap handles) in an array of the same order.
 * Single-threaded, like the backend; allocation-free after construction.
 */
public final class InterfaceSet {
    private final int[] indexes;
    private int next;

    /** @param indexes kernel interface indexes, position i served by the backend's handle i */
    public InterfaceSet(int[] indexes) {
        if (indexes.length == 0) {
            throw new IllegalArgumentException("no interfaces");
        }
        this.indexes = indexes.clone();
    }

    public int size() {
        return indexes.length;
    }

    /** The position serving {@code ifIndex}, or -1 when it is not one of these interfaces. */
    public int positionOf(int ifIndex) {
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] == ifIndex) {
                return i;
            }
        }
        return -1;
    }

    /** Kernel index of the interface at {@code position}. */
    public int indexAt(int position) {
        return indexes[position];
    }

    /**
     * The position to poll now; each call moves on by one, so a poll that starts where the last one
     * stopped never lets a busy interface starve the others.
     */
    public int nextToPoll() {
        int position = next;
        next = position + 1 == indexes.length ? 0 : position + 1;
        return position;
    }

    /** A copy of the kernel indexes, for {@link PacketIo#interfaces()}. */
    public int[] indexes() {
        return indexes.clone();
    }
}
