package lvs.sched;

import java.util.Arrays;

/**
 * lblcr's destination sets ({@code struct ip_vs_dest_set}): small linked lists of destination indices with
 * a size and a {@code lastmod} time, in pooled arrays so that inserting and erasing allocate nothing once
 * warm. A set is named by an int handle. New members go to the front, as {@code list_add_rcu} puts them,
 * because member order decides ties in {@link #min} and {@link #max}.
 */
final class ReplicaSets {
    static final int END = -1;

    private int[] setFirst = new int[64];
    private int[] setSize = new int[64];
    private long[] setLastMod = new long[64];
    private int[] setNextFree = new int[64];
    private int freeSets = END;
    private int usedSets;
    private int[] memberNext = new int[64];
    private int[] memberDest = new int[64];
    private int freeMembers = END;
    private int usedMembers;

    int create() {
        int set;
        if (freeSets != END) {
            set = freeSets;
            freeSets = setNextFree[set];
        } else {
            if (usedSets == setFirst.length) {
                int capacity = usedSets * 2;
                setFirst = Arrays.copyOf(setFirst, capacity);
                setSize = Arrays.copyOf(setSize, capacity);
                setLastMod = Arrays.copyOf(setLastMod, capacity);
                setNextFree = Arrays.copyOf(setNextFree, capacity);
            }
            set = usedSets++;
        }
        setFirst[set] = END;
        setSize[set] = 0;
        return set;
    }

    void release(int set) {
        for (int m = setFirst[set]; m != END; ) {
            int following = memberNext[m];
            freeMember(m);
            m = following;
        }
        setNextFree[set] = freeSets;
        freeSets = set;
    }

    int size(int set) { return setSize[set]; }
    long lastModified(int set) { return setLastMod[set]; }

    /** {@code ip_vs_dest_set_insert}: with {@code check}, an existing member is left alone. */
    void insert(int set, int dest, boolean check, long nowMillis) {
        if (check) {
            for (int m = setFirst[set]; m != END; m = memberNext[m]) {
                if (memberDest[m] == dest) {
                    return;
                }
            }
        }
        int m = allocateMember();
        memberDest[m] = dest;
        memberNext[m] = setFirst[set];
        setFirst[set] = m;
        setSize[set]++;
        setLastMod[set] = nowMillis;
    }

    /** {@code ip_vs_dest_set_erase}: removing a member counts as a modification. */
    void erase(int set, int dest, long nowMillis) {
        for (int m = setFirst[set], previous = END; m != END; previous = m, m = memberNext[m]) {
            if (memberDest[m] == dest) {
                unlink(set, previous, m);
                setLastMod[set] = nowMillis;
                return;
            }
        }
    }

    /** Least loaded member by WLC among available members with weight > 0 and no OVERLOAD; or NONE. */
    int min(int set, DestinationView dests) {
        int least = Scheduler.NONE;
        long leastOverhead = 0;
        for (int m = setFirst[set]; m != END; m = memberNext[m]) {
            int d = memberDest[m];
            if (dests.overloaded(d)) {
                continue;
            }
            long overhead = LeastConnection.overhead(dests, d);
            if (least == Scheduler.NONE) {
                if (dests.weight(d) > 0 && dests.available(d)) {
                    least = d;
                    leastOverhead = overhead;
                }
            } else if (leastOverhead * dests.weight(d) > overhead * dests.weight(least) && dests.available(d)) {
                least = d;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    /** Most loaded member by WLC among members with weight > 0 (OVERLOAD and availability do not matter). */
    int max(int set, DestinationView dests) {
        int most = Scheduler.NONE;
        long mostOverhead = 0;
        for (int m = setFirst[set]; m != END; m = memberNext[m]) {
            int d = memberDest[m];
            if (dests.weight(d) <= 0) {
                continue;
            }
            long overhead = LeastConnection.overhead(dests, d);
            if (most == Scheduler.NONE || mostOverhead * dests.weight(d) < overhead * dests.weight(most)) {
                most = d;
                mostOverhead = overhead;
            }
        }
        return most;
    }

    /** Follow the list after a destination was added at {@code index} or removed from it. */
    void destinationAdded(int set, int index) {
        for (int m = setFirst[set]; m != END; m = memberNext[m]) {
            if (memberDest[m] >= index) {
                memberDest[m]++;
            }
        }
    }

    /** A removed destination leaves every set (size drops, lastmod unchanged); later indices move down. */
    void destinationRemoved(int set, int formerIndex) {
        for (int m = setFirst[set], previous = END; m != END; ) {
            int following = memberNext[m];
            if (memberDest[m] == formerIndex) {
                unlink(set, previous, m);
            } else {
                if (memberDest[m] > formerIndex) {
                    memberDest[m]--;
                }
                previous = m;
            }
            m = following;
        }
    }

    private void unlink(int set, int previous, int m) {
        if (previous == END) {
            setFirst[set] = memberNext[m];
        } else {
            memberNext[previous] = memberNext[m];
        }
        setSize[set]--;
        freeMember(m);
    }

    private int allocateMember() {
        if (freeMembers != END) {
            int m = freeMembers;
            freeMembers = memberNext[m];
            return m;
        }
        if (usedMembers == memberDest.length) {
            memberNext = Arrays.copyOf(memberNext, usedMembers * 2);
            memberDest = Arrays.copyOf(memberDest, usedMembers * 2);
        }
        return usedMembers++;
    }

    private void freeMember(int m) {
        memberNext[m] = freeMembers;
        freeMembers = m;
    }
}
