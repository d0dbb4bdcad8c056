package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * lc, wlc, sed, nq, fo, ovf: one pick from fixed loads. Rows give the destinations in <b>kernel list order</b>
 * (newest first) as {@code label:weight:active:inactive}, with a trailing {@code :O} for OVERLOAD.
 * Overhead is (active << 8) + inactive for lc/wlc; (active + 1) for sed/nq.
 */
class LeastConnectionFamilyTest {
    static Stream<Arguments> picks() {
        return Stream.of(
            // lc: A 1*256+0=256, B 0*256+300=300, C 256+1=257 -> A; weights ignored except 0.
            row("lc", "A:1:1:0 B:9:0:300 C:1:1:1", "A"),
            row("lc", "A:0:0:0 B:1:5:0 C:1:5:0", "B"),            // A quiesced; B and C tie: first wins
            row("lc", "A:1:0:0:O B:1:9:0", "B"),                  // A overloaded
            row("lc", "A:0:0:0 B:1:0:0:O", "NONE"),
            // The kernel's lc keeps overheads in unsigned ints: 2^23 active wraps (2^23 << 8) to 0x80000000,
            // which is larger than B's 5, not smaller; 2^24 active wraps to exactly 0 and wins over B.
            row("lc", "A:1:8388608:0 B:1:0:5", "B"),
            row("lc", "A:1:16777216:0 B:1:0:5", "A"),
            // wlc: A 256/1, B 512/3=170.7, C 300/2=150 -> C. Cross-multiplied: 256*3 > 512*1 -> B; 512*2 > 300*3 -> C.
            row("wlc", "A:1:1:0 B:3:2:0 C:2:1:44", "C"),
            row("wlc", "A:2:1:0 B:1:0:128", "A"),                  // 256*1 > 128*2 is false: a tie keeps A
            row("wlc", "A:2:1:0 B:1:0:127", "B"),                  // 256*1 > 127*2: B
            row("wlc", "A:2:1:0 B:1:0:127 C:4:1:252", "B"),        // C ties B (127*4 = 508*1): first wins
            row("wlc", "A:0:0:0 B:1:7:0", "B"),                    // weight 0 cannot start nor win
            row("wlc", "A:1:9:0 B:0:0:0", "A"),                    // 0 left side: an idle weight-0 never wins
            row("wlc", "A:5:0:0:O B:1:3:3", "B"),
            row("wlc", "A:1:0:0:O", "NONE"),
            row("wlc", "", "NONE"),
            // sed: (act+1)/w, inactive ignored. A 3/1, B 5/3, C 2/1 -> B.
            row("sed", "A:1:2:0 B:3:4:999 C:1:1:0", "B"),
            row("sed", "A:1:0:0 B:2:1:0", "A"),                    // 1/1 vs 2/2: tie keeps A
            row("sed", "A:0:0:0 B:1:1:0", "B"),
            // nq: the first idle (act == 0) server wins outright, whatever its weight.
            row("nq", "A:9:1:0 B:1:0:50 C:1:0:0", "B"),
            row("nq", "A:1:2:0 B:3:4:0 C:1:1:0", "B"),             // nobody idle: sed rule 3/1, 5/3, 2/1
            row("nq", "A:0:0:0 B:1:3:0", "B"),                     // idle but quiesced A is skipped
            row("nq", "A:1:0:0:O B:1:3:0", "B"),
            // fo: highest weight without OVERLOAD; ties keep the first; weight 0 never.
            row("fo", "A:1:0:0 B:5:100:0 C:5:0:0", "B"),
            row("fo", "A:1:0:0 B:5:0:0:O C:5:0:0", "C"),
            row("fo", "A:0:0:0", "NONE"),
            // ovf: highest weight whose active <= weight.
            row("ovf", "A:1:0:0 B:5:5:0 C:3:0:0", "B"),
            row("ovf", "A:1:0:0 B:5:6:0 C:3:0:0", "C"),
            row("ovf", "A:3:0:0 B:5:6:0 C:3:0:0", "A"),
            row("ovf", "A:3:4:0 B:0:0:0 C:3:0:0:O", "NONE"));
    }

    private static Arguments row(String scheduler, String listOrder, String expected) {
        return Arguments.of(scheduler, listOrder, expected);
    }

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @MethodSource("picks")
    void picksLikeTheKernel(String scheduler, String listOrder, String expected) {
        ServiceFixture svc = ServiceFixture.of(scheduler);
        List<String> rows = listOrder.isEmpty() ? List.of() : List.of(listOrder.split(" "));
        for (int i = rows.size() - 1; i >= 0; i--) { // add oldest first so the list ends up as written
            String[] f = rows.get(i).split(":");
            svc.add(f[0], Integer.parseInt(f[1]));
            svc.connections(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            svc.overloaded(f[0], f.length > 4 && f[4].equals("O"));
        }
        assertThat(svc.pick()).isEqualTo(expected);
    }
}
