package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kernel-ipvs.md 2.6: when bind, unbind and edit set or clear OVERLOAD. */
class OverloadThresholdsTest {
    @ParameterizedTest(name = "bind: was {0}, upper {1}, {2}+{3} -> {4}")
    @CsvSource({
        "false, 0, 100, 100, false",   // no upper threshold: never set
        "false, 10, 5, 4, false",      // 9 < 10
        "false, 10, 5, 5, true",       // 10 >= 10
        "false, 10, 0, 10, true",      // inactive counts too
        "true, 10, 0, 0, true",        // bind never clears
    })
    void afterBind(boolean was, int upper, int active, int inactive, boolean expected) {
        assertThat(OverloadThresholds.afterBind(was, upper, active, inactive)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "unbind: was {0}, upper {1}, lower {2}, {3}+{4} -> {5}")
    @CsvSource({
        "true, 10, 5, 3, 2, true",     // lower set: clear only below it (5 is not < 5)
        "true, 10, 5, 2, 2, false",
        "true, 100, 0, 75, 0, true",   // no lower: clear below 75 % of upper (75*4 = 300 is not < 300)
        "true, 100, 0, 74, 0, false",
        "true, 0, 0, 999, 999, false", // neither: clear unconditionally
        "false, 10, 5, 9, 0, false",   // unbind never sets
    })
    void afterUnbind(boolean was, int upper, int lower, int active, int inactive, boolean expected) {
        assertThat(OverloadThresholds.afterUnbind(was, upper, lower, active, inactive)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "edit: was {0}, upper {1} -> {2}: {3}")
    @CsvSource({
        "true, 10, 0, false",
        "true, 10, 11, false",
        "true, 10, 10, true",
        "true, 10, 9, true",
        "false, 10, 5, false",
    })
    void afterEdit(boolean was, int oldUpper, int newUpper, boolean expected) {
        assertThat(OverloadThresholds.afterEdit(was, oldUpper, newUpper)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, 0, true", "10, 5, true", "10, 10, true", "5, 10, false", "0, 1, false", "-1, 0, false"})
    void validity(int upper, int lower, boolean valid) {
        assertThat(OverloadThresholds.isValid(upper, lower)).isEqualTo(valid);
    }
}
