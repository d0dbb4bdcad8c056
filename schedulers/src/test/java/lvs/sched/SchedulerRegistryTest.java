package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchedulerRegistryTest {
    @Test
    void namesInTheKernelsDocumentedOrder() {
        assertThat(SchedulerRegistry.names()).containsExactly(
            "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");
        assertThat(SchedulerRegistry.DEFAULT).isEqualTo("wlc");
    }

    @Test
    void everyNameMakesAFreshSchedulerOfThatName() {
        for (String name : SchedulerRegistry.names()) {
            assertThat(SchedulerRegistry.isKnown(name)).isTrue();
            Scheduler one = SchedulerRegistry.create(name, SchedulerSettings.defaults());
            Scheduler two = SchedulerRegistry.create(name, SchedulerSettings.defaults());
            assertThat(one.name()).isEqualTo(name);
            assertThat(one).isNotSameAs(two);
            one.onBound(DestinationArrays.ipv4());
            assertThat(one.select(DestinationArrays.ipv4(), new MutableFlow())).isEqualTo(Scheduler.NONE);
        }
    }

    @Test
    void unknownNames() {
        assertThat(SchedulerRegistry.isKnown("WLC")).isFalse();
        assertThat(SchedulerRegistry.isKnown("")).isFalse();
        assertThat(SchedulerRegistry.isKnown(null)).isFalse();
        assertThatThrownBy(() -> SchedulerRegistry.factory("foo")).isInstanceOf(IllegalArgumentException.class);
    }
}
