package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundRobinSchedulerTest {
    @Test
    void walksTheListNewestFirst() {
        // Added A, B, C: the kernel list is [C, B, A]; the pointer starts at the head.
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 1).add("B", 1).add("C", 1);
        assertThat(svc.picks(7)).containsExactly("C", "B", "A", "C", "B", "A", "C");
    }

    @Test
    void weightsDoNotMatterExceptZero() {
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 5).add("B", 0).add("C", 1);
        // [C, B(0), A]: B is quiesced and skipped.
        assertThat(svc.picks(4)).containsExactly("C", "A", "C", "A");
    }

    @Test
    void overloadedIsSkipped() {
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 1).add("B", 1).add("C", 1).overloaded("B", true);
        assertThat(svc.picks(4)).containsExactly("C", "A", "C", "A");
    }

    @Test
    void nothingEligibleIsNone() {
        assertThat(ServiceFixture.of("rr").pick()).isEqualTo("NONE");
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 0).add("B", 1).overloaded("B", true);
        assertThat(svc.picks(2)).containsExactly("NONE", "NONE");
    }

    @Test
    void theLastPickedIsReconsideredAtTheEndOfTheLap() {
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 1).add("B", 1).add("C", 1);
        assertThat(svc.pick()).isEqualTo("C");
        svc.weight("B", 0).weight("A", 0);
        assertThat(svc.picks(2)).containsExactly("C", "C");
    }

    @Test
    void removingThePointedDestinationContinuesWithItsSuccessor() {
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 1).add("B", 1).add("C", 1);
        assertThat(svc.picks(2)).containsExactly("C", "B");
        svc.remove("B"); // pointer moves to B's predecessor C, so A comes next
        assertThat(svc.picks(3)).containsExactly("A", "C", "A");
    }

    @Test
    void addingAtTheHeadKeepsThePointerOnTheSameDestination() {
        ServiceFixture svc = ServiceFixture.of("rr").add("A", 1).add("B", 1);
        assertThat(svc.pick()).isEqualTo("B");
        svc.add("C", 1); // [C, B, A], pointer still at B
        assertThat(svc.picks(4)).containsExactly("A", "C", "B", "A");
    }

    @Test
    void neverPicksWeightZeroOrOverloaded() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            ServiceFixture svc = ServiceFixture.of("rr");
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                svc.add("d" + i, random.nextInt(3));
                svc.overloaded("d" + i, random.nextInt(5) == 0);
            }
            for (int i = 0; i < 3 * n; i++) {
                int index = svc.scheduler.select(svc.dests, svc.flow);
                if (index != Scheduler.NONE) {
                    assertThat(svc.dests.weight(index)).isPositive();
                    assertThat(svc.dests.overloaded(index)).isFalse();
                }
            }
        }
    }
}
