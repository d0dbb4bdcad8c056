package lvs.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import lvs.model.Timeouts;
import lvs.table.IpvsControl;
import lvs.table.NetworkInterfaces;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;
import org.junit.jupiter.api.Test;

/** Capture from a live table, replay into a fresh one: the same table, dump order included. */
class ReplayTest {
    private static final NetworkInterfaces ETH0 = name -> name.equals("eth0") ? OptionalInt.of(1500) : OptionalInt.empty();

    private static VirtualServerTable table() {
        return new VirtualServerTable(StatsSource.ZEROS, ETH0);
    }

    @Test
    void replayReproducesDumpOrderAfterDeletesAndReAdds() throws Exception {
        VirtualServerTable t = table();
        // many services in a few buckets, real servers added, deleted and re-added (which moves them)
        for (int i = 0; i < 300; i++) {
            t.addService(Samples.tcp(Samples.v4(198, 18, i / 256, i % 256), 80 + i % 3, "rr"));
        }
        var key = Samples.tcp(Samples.v4(198, 18, 0, 7), 80 + 7 % 3, "rr").key();
        for (int r = 1; r <= 5; r++) {
            t.addRealServer(key, Samples.masq(Samples.v4(198, 19, 0, r), 8080, r));
        }
        t.deleteRealServer(key, Samples.v4(198, 19, 0, 2), 8080);
        t.addRealServer(key, Samples.masq(Samples.v4(198, 19, 0, 2), 8080, 9));
        t.editRealServer(key, Samples.masq(Samples.v4(198, 19, 0, 4), 8080, 4));
        t.deleteService(Samples.tcp(Samples.v4(198, 18, 0, 3), 80, "rr").key());
        t.setTimeouts(new Timeouts(10, 0, 30));
        t.startDaemon(new IpvsControl.SyncDaemonRequest(lvs.model.SyncDaemonSpec.State.MASTER, "eth0", 3, 0, null, 0, 0));

        StateSnapshot saved = new StateCapture(t).capture();
        StateSnapshot reread = StateFileFormat.decode(StateFileFormat.encode(saved), java.nio.file.Path.of("x"));
        VirtualServerTable restored = table();
        assertThat(StateReplay.apply(reread, restored)).isEmpty();

        assertThat(restored.dump()).isEqualTo(t.dump());
        assertThat(restored.timeouts()).isEqualTo(new Timeouts(10, 120, 30));
        assertThat(restored.daemons()).isEqualTo(t.daemons());
        assertThat(new StateCapture(restored).capture()).isEqualTo(saved);
    }

    @Test
    void aDaemonWhoseInterfaceIsGoneIsAWarningNotAFailure() throws Exception {
        VirtualServerTable t = table();
        t.startDaemon(new IpvsControl.SyncDaemonRequest(lvs.model.SyncDaemonSpec.State.BACKUP, "eth0", 1, 0, null, 0, 0));
        StateSnapshot saved = new StateCapture(t).capture();
        VirtualServerTable noEth0 = new VirtualServerTable(StatsSource.ZEROS, name -> OptionalInt.empty());
        assertThat(StateReplay.apply(saved, noEth0)).singleElement().asString().contains("not restarted");
    }

    @Test
    void aRuleTheTableRefusesAbortsTheReplay() {
        StateSnapshot bad = new StateSnapshot(List.of(new StateSnapshot.SavedService(
            Samples.tcp(Samples.v4(198, 18, 0, 1), 80, "no-such-scheduler"), List.of())), Timeouts.KERNEL_DEFAULTS, List.of());
        assertThatThrownBy(() -> StateReplay.apply(bad, table())).isInstanceOf(StateReplay.ReplayException.class)
            .hasMessageContaining("ENOENT");
    }

    @Test
    void groupCommitWritesOnlyWhenTheTableChanged() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gc");
        try {
            VirtualServerTable t = table();
            GroupCommitter c = new GroupCommitter(new StateFile(dir.resolve("state")), new StateCapture(t));
            c.assumeSaved();
            c.commit();
            assertThat(c.saves()).isZero();
            t.addService(Samples.tcp(Samples.v4(198, 18, 0, 1), 80, "rr"));
            c.commit();
            c.commit();
            assertThat(c.saves()).isEqualTo(1);
            t.zeroAll(); // counters are not rules
            c.commit();
            assertThat(c.saves()).isEqualTo(1);
            assertThat(c.file().load().orElseThrow().services()).hasSize(1);
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            java.nio.file.Files.delete(dir);
        }
    }
}
