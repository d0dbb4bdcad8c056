package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TwoRandomChoicesSchedulerTest {
    /**
     * List [C w=1, B w=2, A w=1] (added A, B, C): total 4, draws are u32 % 5. r=0 or 1 -> C (1-1 <= 0);
     * r=2 or 3 -> B (r-1-2 <= 0); r=4 -> A. Then choice 2 wins only if w2*overhead1 > w1*overhead2.
     */
    @ParameterizedTest(name = "draws {0},{1}; B active {2} -> {3}")
    @CsvSource({
        "0, 3, 1, B",    // C vs B: 2*256 > 1*256 -> B
        "0, 3, 3, C",    // 2*256 > 1*768 is false -> C
        "3, 0, 3, C",    // B vs C: w2*oh1 = 1*768 > 2*256 -> C (choice 2)
        "4, 4, 0, A",    // both draws A
        "5, 9, 1, C",    // 5 % 5 = 0 -> C; 9 % 5 = 4 -> A; C and A both 256/1: keep choice 1
        "-1, 0, 1, C",   // 0xffffffff % 5 = 0 (unsigned) -> C
    })
    void picksLikeTheKernel(int draw1, int draw2, int bActive, String expected) {
        int[] draws = {draw1, draw2};
        int[] next = {0};
        IntSupplier random = () -> draws[next[0]++ % 2];
        ServiceFixture svc = ServiceFixture.of("twos", SchedulerSettings.defaults().withRandom(random),
            new AtomicLong());
        svc.add("A", 1).add("B", 2).add("C", 1);
        svc.connections("A", 1, 0).connections("C", 1, 0).connections("B", bActive, 0);
        assertThat(svc.pick()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "1"})
    void noEligibleDestinationIsNone(int overloadAll) {
        ServiceFixture svc = ServiceFixture.of("twos").add("A", overloadAll == 1 ? 1 : 0);
        svc.overloaded("A", overloadAll == 1);
        assertThat(svc.pick()).isEqualTo("NONE");
    }
}
