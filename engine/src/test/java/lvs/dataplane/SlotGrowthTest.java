package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import lvs.dataplane.net.Ipv4Routes;
import lvs.model.ServiceSpec;
import lvs.snapshot.CounterSlots;
import lvs.snapshot.TableSnapshot;
import lvs.table.VirtualServerTable;
import org.junit.jupiter.api.Test;

/**
 * Per-slot arrays start small and grow with the table (lvsd's RSS with a small table does not pay for
 * {@code -Dlvsd.maxObjects}); growing never loses a count and a slot not allocated yet reads 0.
 */
class SlotGrowthTest {
    @Test
    void growthPolicyIsBoundedByTheCapacity() {
        assertThat(CounterSlots.grownLength(16_384, 100, 262_144)).isEqualTo(16_384);
        assertThat(CounterSlots.grownLength(16_384, 16_385, 262_144)).isEqualTo(24_576); // x1.5, 4,096 steps
        assertThat(CounterSlots.grownLength(16_384, 100_000, 262_144)).isEqualTo(102_400);
        assertThat(CounterSlots.grownLength(200_000, 200_001, 262_144)).isEqualTo(262_144);
        assertThat(CounterSlots.grownLength(8, 9, 10)).isEqualTo(10);
    }

    @Test
    void countersKeepTheirValuesAcrossGrowth() {
        DataPlaneCounters counters = DataPlaneCounters.growable(100_000);
        assertThat(counters.allocatedSlots()).isEqualTo(CounterSlots.INITIAL_SLOTS);
        assertThat(counters.slots()).isEqualTo(100_000);
        counters.countPacket(1, 16_383, true, 1500);
        assertThat(counters.get(50_000, DataPlaneCounters.IN_PACKETS)).as("not allocated yet").isZero();

        counters.ensureSlots(50_001);
        assertThat(counters.allocatedSlots()).isBetween(50_001, 100_000);
        counters.countPacket(1, 50_000, true, 100);
        assertThat(counters.get(0, DataPlaneCounters.IN_PACKETS)).isEqualTo(2);
        assertThat(counters.get(0, DataPlaneCounters.IN_BYTES)).isEqualTo(1600);
        assertThat(counters.get(1, DataPlaneCounters.IN_PACKETS)).isEqualTo(2);
        assertThat(counters.get(16_383, DataPlaneCounters.IN_BYTES)).isEqualTo(1500);
        assertThat(counters.get(50_000, DataPlaneCounters.IN_BYTES)).isEqualTo(100);

        counters.ensureSlots(1_000_000);
        assertThat(counters.allocatedSlots()).as("never beyond the limit").isEqualTo(100_000);
    }

    @Test
    void connectionCountsKeepTheirValuesAcrossGrowth() {
        DestinationCounters counts = DestinationCounters.growable(70_000);
        ConnectionTracker tracker = new ConnectionTracker(new ConnectionTable(64), counts, new ProtocolTimeouts(), 0);
        tracker.open(ConnectionTable.AF_INET, 6, 0, 0xC6120102L, 40000, 0, 0xC6120064L, 80,
            ConnectionTable.AF_INET, 0, 0xC6120201L, 80, 0, 1, 16_000, -1, 0);
        counts.setThresholds(16_000, 5, 2);
        assertThat(counts.inactive(60_000)).as("not allocated yet").isZero();
        assertThat(counts.references(60_000)).isZero();
        assertThat(counts.isOverloaded(60_000)).isFalse();

        counts.ensureSlots(60_001);
        assertThat(counts.allocatedSlots()).isBetween(60_001, 70_000);
        assertThat(counts.inactive(16_000)).isEqualTo(1);
        assertThat(counts.references(16_000)).isEqualTo(1);
        assertThat(counts.references(1)).isEqualTo(1);
        tracker.open(ConnectionTable.AF_INET, 6, 0, 0xC6120103L, 40000, 0, 0xC6120064L, 80,
            ConnectionTable.AF_INET, 0, 0xC6120202L, 80, 0, 1, 60_000, -1, 0);
        assertThat(counts.inactive(60_000)).isEqualTo(1);
        assertThat(counts.references(1)).isEqualTo(2);
    }

    @Test
    void statsOfSlotsBeyondTheInitialArraysListZeroThenCount() {
        CounterSlots slots = new CounterSlots(40_000);
        DataPlaneCounters counters = DataPlaneCounters.growable(40_000);
        DestinationCounters counts = DestinationCounters.growable(40_000);
        DataPlaneStats stats = new DataPlaneStats(slots, counters, counts);
        long seq = slots.beginCompile();
        for (long id = 1; id <= 30_000; id++) {
            slots.slotFor(id);
        }
        slots.endCompile(seq);
        int last = slots.existingSlot(30_000);
        assertThat(last).isGreaterThan(CounterSlots.INITIAL_SLOTS);
        assertThat(stats.counters(30_000).inPackets()).isZero();
        stats.sampleRates();
        stats.zeroAll();

        counters.ensureSlots(last + 1); // what the agent does before installing a snapshot naming `last`
        counters.countPacket(1, last, true, 1000);
        assertThat(stats.counters(30_000).inPackets()).isEqualTo(1);
        stats.zero(30_000);
        assertThat(stats.counters(30_000).inPackets()).isZero();
    }

    /**
     * Through the real agent: a table of more objects than the initial arrays hold installs (installing
     * sets every destination's thresholds, so a slot beyond the arrays would throw and be refused).
     */
    @Test
    void theAgentGrowsItsArraysBeforeInstallingABiggerTable() throws Exception {
        DataPlane dp = new DataPlane(262_144, 1024);
        VirtualServerTable table = DataPlaneChurnTest.newTable(dp);
        DataPlane.Invoker invoker = dp.invoker(new TableRules(table),
            new DataPlaneChurnTest.SilentIo(), new Forwarder[5], DataPlaneChurnTest.NO_SCHEDULER,
            List.of(DataPlaneChurnTest.NIC), Ipv4Routes.of(List.of(), List.of()), 0);
        int services = 200;
        int reals = 100; // 20,200 objects > INITIAL_SLOTS
        for (int s = 0; s < services; s++) {
            table.addService(new ServiceSpec(DataPlaneChurnTest.service(s), "rr", "", 0, 0, 0xffffffffL));
            for (int r = 0; r < reals; r++) {
                table.addRealServer(DataPlaneChurnTest.service(s), DataPlaneChurnTest.server(s * reals + r));
            }
        }
        TableSnapshot snap = invoker.publish();
        invoker.doWork(1_000_000L);
        assertThat(snap.destinationTotal).isEqualTo(services * reals);
        int highest = 0;
        for (int d = 0; d < snap.destinationTotal; d++) {
            highest = Math.max(highest, snap.destinationCounterSlot[d]);
        }
        assertThat(highest).isGreaterThanOrEqualTo(CounterSlots.INITIAL_SLOTS);
        assertThat(dp.awaitApplied(table.generation(), 0)).as("installed, not refused").isTrue();
        assertThat(dp.events().get(DataPlaneEvents.SNAPSHOT_INSTALL_FAILED)).isZero();
    }
}
