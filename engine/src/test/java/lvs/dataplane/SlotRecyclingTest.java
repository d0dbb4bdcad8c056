package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import lvs.snapshot.CounterSlots;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.StatsSource;
import org.junit.jupiter.api.Test;

/** A recycled counter slot lists zero for its new owner; the agent's counters are never written. */
class SlotRecyclingTest {
    private final CounterSlots slots = new CounterSlots(4);
    private final DataPlaneCounters counters = new DataPlaneCounters(4);
    private final DestinationCounters counts = new DestinationCounters(4);
    private final DataPlaneStats stats = new DataPlaneStats(slots, counters, counts);

    private long compile(long... ids) {
        long seq = slots.beginCompile();
        for (long id : ids) {
            slots.slotFor(id);
        }
        slots.endCompile(seq);
        return seq;
    }

    @Test
    void aRecycledSlotReadsZeroCountersRatesAndConnectionCounts() {
        compile(1, 2, 3);
        int old = slots.existingSlot(2);
        ConnectionTracker tracker = new ConnectionTracker(new ConnectionTable(64), counts, new ProtocolTimeouts(), 0);
        int e = tracker.open(ConnectionTable.AF_INET, 6, 0, 0xC6120102L, 40000, 0, 0xC6120064L, 80,
            ConnectionTable.AF_INET, 0, 0xC6120201L, 80, 0, slots.existingSlot(1), old, -1, 0);
        counters.add(old, DataPlaneCounters.CONNS, 1);
        counters.countPacket(slots.existingSlot(1), old, true, 1500);
        counters.countPacket(slots.existingSlot(1), old, true, 1500);
        stats.sampleRates();
        assertThat(stats.counters(2).inPackets()).isEqualTo(2);
        assertThat(stats.connectionCounts(2).inactive()).isEqualTo(1);

        long retiredBy = compile(1, 3); // real server 2 deleted
        assertThat(stats.recycleSlots(retiredBy)).isZero(); // its connection still references the slot
        tracker.expireNow(e, 1);
        tracker.expireDue(1_000, 1 << 20);
        assertThat(counts.references(old)).isZero();
        assertThat(stats.recycleSlots(retiredBy - 1)).isZero(); // the agent has not installed `retiredBy` yet
        assertThat(stats.recycleSlots(retiredBy)).isEqualTo(1);

        compile(1, 3, 4); // a new real server gets the slot
        assertThat(slots.existingSlot(4)).isEqualTo(old);
        assertThat(stats.counters(4)).isEqualTo(Counters.ZERO);
        assertThat(stats.rates(4)).isEqualTo(Rates.ZERO);
        assertThat(stats.connectionCounts(4)).isEqualTo(StatsSource.ConnectionCounts.ZERO);
        stats.sampleRates();
        assertThat(stats.rates(4)).isEqualTo(Rates.ZERO);
        assertThat(stats.counters(2)).isEqualTo(Counters.ZERO); // the deleted id has no slot any more

        counters.countPacket(slots.existingSlot(1), old, true, 100);
        assertThat(stats.counters(4).inPackets()).isEqualTo(1);
        assertThat(stats.counters(4).inBytes()).isEqualTo(100);
        assertThat(stats.counters(4).connections()).isZero();
    }
}
