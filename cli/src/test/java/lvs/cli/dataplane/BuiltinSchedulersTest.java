package lvs.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.sched.Scheduler;
import lvs.sched.SchedulerRegistry;
import org.junit.jupiter.api.Test;

/** Every scheduler name the table accepts for {@code -s} must forward: none may fall through to "drop". */
class BuiltinSchedulersTest {
    @Test
    void everyRegisteredNameHasASchedulerOfThatName() {
        assertThat(SchedulerRegistry.names()).contains("lblc", "lblcr", "wlc", "mh", "twos");
        for (String name : SchedulerRegistry.names()) {
            Scheduler scheduler = BuiltinSchedulers.create(name);
            assertThat(scheduler).as(name).isNotNull();
            assertThat(scheduler.name()).isEqualTo(name);
        }
    }

    @Test
    void theTablesSpecialNameNoneHasNoScheduler() {
        assertThat(BuiltinSchedulers.create("none")).isNull();
        assertThat(BuiltinSchedulers.create("bogus")).isNull();
    }
}
