package lvs.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import org.junit.jupiter.api.Test;

/** Counter slots are recycled like the kernel's destination trash, never handed out while in use. */
class CounterSlotsTest {
    private static final ConnectionCounters NO_CONNECTIONS = new ConnectionCounters() {
        @Override
        public int active(int slot) {
            return 0;
        }

        @Override
        public int inactive(int slot) {
            return 0;
        }

        @Override
        public int persistent(int slot) {
            return 0;
        }
    };

    /** One compile that sees exactly {@code ids}; returns their slots. */
    private static int[] compile(CounterSlots slots, long... ids) {
        long seq = slots.beginCompile();
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            r[i] = slots.slotFor(ids[i]);
        }
        slots.endCompile(seq);
        return r;
    }

    private static void recycle(CounterSlots slots, long installed, ConnectionCounters counts) {
        for (int slot : slots.takeRecyclable(installed, counts)) {
            slots.release(slot);
        }
    }

    @Test
    void churnFarBeyondCapacityKeepsGivingValidSlots() {
        CounterSlots slots = new CounterSlots(8);
        long id = 1;
        for (int round = 0; round < 100_000; round++) {
            long a = id++;
            long b = id++;
            long c = id++;
            recycle(slots, Long.MAX_VALUE, NO_CONNECTIONS);
            int[] s = compile(slots, a, b, c);
            for (int x : s) {
                assertThat(x).isBetween(1, 7);
            }
            assertThat(Set.of(s[0], s[1], s[2])).hasSize(3);
            assertThat(slots.unslottedObjects()).isZero();
            assertThat(slots.existingSlot(a)).isEqualTo(s[0]);
            compile(slots); // all three deleted
            assertThat(slots.existingSlot(a)).isEqualTo(-1);
        }
        assertThat(slots.highWater()).isLessThanOrEqualTo(8);
    }

    @Test
    void slotsAreStablePerIdWhileLive() {
        CounterSlots slots = new CounterSlots(8);
        int[] first = compile(slots, 100, 101);
        int[] again = compile(slots, 101, 100);
        assertThat(again).containsExactly(first[1], first[0]);
    }

    @Test
    void moreLiveObjectsThanSlotsGetNoSlotAndAreCounted() {
        CounterSlots slots = new CounterSlots(4); // 3 usable
        int[] s = compile(slots, 1, 2, 3, 4, 5);
        assertThat(s).containsExactly(1, 2, 3, CounterSlots.NO_SLOT, CounterSlots.NO_SLOT);
        assertThat(slots.unslottedObjects()).isEqualTo(2);
        assertThat(slots.existingSlot(4)).isEqualTo(-1);
        // Object 1 is deleted; once its slot is recycled, object 4 gets it.
        compile(slots, 2, 3, 4, 5);
        recycle(slots, Long.MAX_VALUE, NO_CONNECTIONS);
        s = compile(slots, 2, 3, 4, 5);
        assertThat(s).containsExactly(2, 3, 1, CounterSlots.NO_SLOT);
        assertThat(slots.unslottedObjects()).isEqualTo(1);
    }

    @Test
    void notRecycledBeforeTheDataPlaneInstalledASnapshotWithoutIt() {
        CounterSlots slots = new CounterSlots(3); // 2 usable
        compile(slots, 1, 2);
        long retiredBy = slots.beginCompile();
        slots.slotFor(2);
        slots.endCompile(retiredBy); // object 1 deleted by compile `retiredBy`
        recycle(slots, retiredBy - 1, NO_CONNECTIONS); // the agent still uses the older snapshot
        assertThat(compile(slots, 2, 3)).containsExactly(2, CounterSlots.NO_SLOT);
        recycle(slots, retiredBy, NO_CONNECTIONS);
        assertThat(compile(slots, 2, 3)).containsExactly(2, 1);
    }

    @Test
    void notRecycledWhileAConnectionReferencesIt() {
        CounterSlots slots = new CounterSlots(4); // 3 usable
        DestinationCounters counts = new DestinationCounters(4);
        ConnectionTracker tracker = new ConnectionTracker(new ConnectionTable(64), counts, new ProtocolTimeouts(), 0);
        int[] s = compile(slots, 10, 11); // service 10, real server 11
        int e = tracker.open(ConnectionTable.AF_INET, 17, 0, 0xC6120102L, 40000, 0, 0xC6120064L, 53,
            ConnectionTable.AF_INET, 0, 0xC6120201L, 53, 0, s[0], s[1], -1, 0);
        assertThat(e).isNotEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(counts.references(s[0])).isEqualTo(1);
        assertThat(counts.references(s[1])).isEqualTo(1);

        compile(slots); // service and real server deleted; the connection lives on
        Set<Integer> handedOut = new HashSet<>();
        for (long id = 100; id < 110; id++) {
            recycle(slots, Long.MAX_VALUE, counts);
            int slot = compile(slots, id)[0];
            handedOut.add(slot);
            compile(slots);
        }
        assertThat(handedOut).doesNotContain(s[0], s[1]).containsOnly(3);

        // The UDP connection expires (300 s): its slots are uncounted, then recycled.
        while (tracker.expireDue(400_000, 1 << 20) >= 1 << 20) {
            // catch up
        }
        assertThat(tracker.table().size()).isZero();
        assertThat(counts.references(s[0])).isZero();
        assertThat(counts.inactive(s[1])).isZero();
        recycle(slots, Long.MAX_VALUE, counts);
        int[] next = compile(slots, 200, 201, 202);
        assertThat(next).containsExactlyInAnyOrder(1, 2, 3);
    }
}
