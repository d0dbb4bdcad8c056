package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSchedulerTest {
    /**
     * The seed (shared/seeds/000): web1 weight 1 added first, web2 weight 2 second, so the list is [web2, web1].
     * Bound with no dests: di=1, mw=0, cw=0. add web1: mw=1, cw==0 so cw=mw=1. add web2: mw=2, cw=1 is kept.
     * Pass cw=1: web2, web1. Wrap: cw=0 -> mw=2: web2 (web1 < 2). Wrap: cw=1: web2, web1. And so on.
     */
    @Test
    void seedSequenceForWeightsOneAndTwo() {
        ServiceFixture svc = ServiceFixture.of("wrr").add("web1", 1).add("web2", 2);
        assertThat(svc.picks(7)).containsExactly("web2", "web1", "web2", "web2", "web1", "web2", "web2");
    }

    static Stream<Arguments> sequences() {
        return Stream.of(
            // B (w=2) added first: list [A, B]; cw=1 kept after the second add. Pass cw=1: A, B; then B | A, B.
            Arguments.of(List.of("B:2", "A:1"), false, List.of("A", "B", "B", "A", "B", "B", "A")),
            // Bound after both exist (ipvsadm -E -s wrr): cw starts at mw=2: B | B, A | B | B, A.
            Arguments.of(List.of("A:1", "B:2"), true, List.of("B", "B", "A", "B", "B", "A")),
            // A=4, B=3, C=2 added in that order: [C, B, A]. add A: di=4, mw=4-3=1, cw 0 -> 1; add B: di=1, mw=4,
            // cw=1 kept; add C: kept. First pass cw=1: C, B, A; then each cycle cw=4: A | 3: B, A | 2: C, B, A |
            // 1: C, B, A (kernel-ipvs.md 4.2).
            Arguments.of(List.of("A:4", "B:3", "C:2"), false,
                List.of("C", "B", "A", "A", "B", "A", "C", "B", "A", "C", "B", "A", "A")),
            // Weights 2 and 4: add X(2): di=2, mw=2-(2-1)=1, cw 0 -> 1; add Y(4): di=2, mw=3, cw=(1/2)*2+1=1.
            // Pass cw=1: Y, X; then every cycle cw=3: Y | cw=1: Y, X. Ratio 2:1.
            Arguments.of(List.of("X:2", "Y:4"), false, List.of("Y", "X", "Y", "Y", "X", "Y", "Y", "X")),
            // A weight-0 destination is never chosen; all-zero gives NONE.
            Arguments.of(List.of("A:0", "B:1"), false, List.of("B", "B", "B")),
            Arguments.of(List.of("A:0", "B:0"), false, List.of("NONE", "NONE")));
    }

    @ParameterizedTest
    @MethodSource("sequences")
    void kernelSequences(List<String> addsInOrder, boolean rebindAfterAdds, List<String> expected) {
        ServiceFixture svc = ServiceFixture.of("wrr");
        for (String add : addsInOrder) {
            String[] parts = add.split(":");
            svc.add(parts[0], Integer.parseInt(parts[1]));
        }
        if (rebindAfterAdds) {
            svc.rebind();
        }
        assertThat(svc.picks(expected.size())).containsExactlyElementsOf(expected);
    }

    @Test
    void overloadedIsSkippedAndAllOverloadedFails() {
        ServiceFixture svc = ServiceFixture.of("wrr").add("A", 1).add("B", 2).rebind().overloaded("B", true);
        // cw=2: nobody (A < 2); cw=1: A. Then cw wraps to 2 again and again only A qualifies at cw=1.
        assertThat(svc.picks(3)).containsExactly("A", "A", "A");
        svc.overloaded("A", true);
        assertThat(svc.picks(2)).containsExactly("NONE", "NONE");
        svc.overloaded("A", false).overloaded("B", false);
        assertThat(svc.picks(3)).doesNotContain("NONE");
    }

    @Test
    void weightEditRestartsAtTheHead() {
        ServiceFixture svc = ServiceFixture.of("wrr").add("A", 1).add("B", 1).add("C", 1);
        assertThat(svc.picks(2)).containsExactly("C", "B");
        svc.weight("C", 3); // di=1, mw=3, cw=1 kept; cl = head
        // cw=1: C, B, A; cw=3: C; cw=2: C; cw=1: C, B, A
        assertThat(svc.picks(8)).containsExactly("C", "B", "A", "C", "C", "C", "B", "A");
    }

    @Test
    void oneFullCycleGivesExactlyTheWeightRatio() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            ServiceFixture svc = ServiceFixture.of("wrr");
            int n = 1 + random.nextInt(6);
            int[] weights = new int[n];
            int gcd = 0;
            int max = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12);
                svc.add("d" + i, weights[i]);
                gcd = weights[i] > 0 ? WeightedRoundRobinScheduler.gcd(weights[i], gcd) : gcd;
                max = Math.max(max, weights[i]);
            }
            svc.rebind(); // start at cw = mw so that the counted picks are whole cycles
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            if (total == 0) {
                assertThat(svc.pick()).isEqualTo("NONE");
                continue;
            }
            // A cycle has mw/di passes; dest i is chosen in the passes with cw <= w_i: w_i/di times.
            int cycle = total / gcd;
            Map<String, Integer> counts = new HashMap<>();
            for (String label : svc.picks(cycle * 3)) {
                counts.merge(label, 1, Integer::sum);
            }
            for (int i = 0; i < n; i++) {
                assertThat(counts.getOrDefault("d" + i, 0)).as("weights %s", java.util.Arrays.toString(weights))
                    .isEqualTo(3 * weights[i] / gcd);
            }
        }
    }
}
