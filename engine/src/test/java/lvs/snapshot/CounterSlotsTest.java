package lvs.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Running out of counter slots degrades to a shared slot; it never hands out an invalid index. */
class CounterSlotsTest {
    @Test
    void slotsAreStablePerIdAndNeverInvalidEvenFarBeyondCapacity() {
        CounterSlots slots = new CounterSlots(8);
        assertThat(slots.slotFor(100)).isEqualTo(1);
        assertThat(slots.slotFor(100)).isEqualTo(1);
        for (long id = 0; id < 10_000; id++) {
            int slot = slots.slotFor(1_000 + id);
            assertThat(slot).isBetween(1, slots.capacity() - 1);
        }
        assertThat(slots.hasOverflowed()).isTrue();
        assertThat(slots.slotFor(5_000)).isEqualTo(slots.capacity() - 1);
        assertThat(slots.existingSlot(5_000)).isEqualTo(-1);   // no slot of its own: listed as zero
        assertThat(slots.existingSlot(100)).isEqualTo(1);
    }

    @Test
    void noOverflowWhileThereIsRoom() {
        CounterSlots slots = new CounterSlots(8);
        for (long id = 1; id <= 6; id++) {
            assertThat(slots.slotFor(id)).isEqualTo((int) id);
        }
        assertThat(slots.hasOverflowed()).isFalse();
    }
}
