package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lvs.model.Timeouts;
import lvs.snapshot.TableSnapshot;
import lvs.table.ServiceEntry;
import org.junit.jupiter.api.Test;

/** Compiles are paced while changes keep coming, immediate when idle, and the last change is compiled. */
class CompileThrottleTest {
    private static final long MS = 1_000_000L;

    /**
     * The control loop's logic on a manual clock: changes every 1 ms for 10 s, each compile costs 10 ms,
     * the loop polls every 2 ms.
     */
    @Test
    void aStreamOfChangesIsCompiledAtABoundedRateAndTheLastOneIsCompiled() {
        CompileThrottle throttle = new CompileThrottle(2);
        long now = 0;
        long generation = 0;
        long compiledGeneration = 0;
        int compiles = 0;
        long busy = 0;
        while (now < 12_000 * MS) {
            generation = Math.min(now / MS + 1, 10_000); // one change per ms for 10 s
            if (generation != compiledGeneration && throttle.mayStart(now)) {
                compiledGeneration = generation;
                long start = now;
                now += 10 * MS; // the compile
                busy += 10 * MS;
                throttle.finished(start, now);
                compiles++;
            }
            now += 2 * MS;
        }
        assertThat(compiledGeneration).isEqualTo(10_000); // the last change was compiled
        assertThat(compiles).isBetween(300, 340);           // 10,000 changes, 10 s / 32 ms
        assertThat((double) busy / (10_000 * MS)).isLessThan(0.35);
    }

    @Test
    void aChangeAfterAPauseIsCompiledAtOnce() {
        CompileThrottle throttle = new CompileThrottle(2);
        assertThat(throttle.mayStart(0)).isTrue();
        throttle.finished(0, 100 * MS); // a 100 ms compile (a big table)
        assertThat(throttle.mayStart(150 * MS)).isFalse();
        assertThat(throttle.nextStartNs()).isEqualTo(300 * MS);
        assertThat(throttle.mayStart(300 * MS)).isTrue();
        throttle.finished(1_000 * MS, 1_001 * MS); // a 1 ms compile
        assertThat(throttle.mayStart(1_003 * MS)).isTrue();
    }

    /** The real control thread: many rapid changes, costly publishes, far fewer compiles; the last is applied. */
    @Test
    void theControlThreadCompilesFarLessOftenThanTheTableChanges() throws Exception {
        controlThreadPacesCompiles(false);
    }

    /** The same with rules that wake the control thread on each change instead of being polled. */
    @Test
    void aControlThreadWokenByChangesPacesCompilesTheSameWay() throws Exception {
        controlThreadPacesCompiles(true);
    }

    private void controlThreadPacesCompiles(boolean wakes) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Runnable> wake = new java.util.concurrent.atomic.AtomicReference<>(
            () -> { });
        AtomicLong generation = new AtomicLong(1);
        Runnable change = () -> { // a table change: the generation moves, then the listener runs
            generation.incrementAndGet();
            wake.get().run();
        };
        AtomicInteger published = new AtomicInteger();
        AtomicInteger costMs = new AtomicInteger(10);
        DataPlane.Rules rules = new DataPlane.Rules() {
            @Override
            public List<ServiceEntry> entries() {
                return List.of();
            }

            @Override
            public Timeouts timeouts() {
                return Timeouts.KERNEL_DEFAULTS;
            }

            @Override
            public long generation() {
                return generation.get();
            }

            @Override
            public boolean onChange(Runnable w) {
                if (wakes) {
                    wake.set(w);
                }
                return wakes;
            }
        };
        DataPlane dp = new DataPlane(64, 1024);
        dp.start(rules, new DataPlaneChurnTest.SilentIo(), new Forwarder[5], DataPlaneChurnTest.NO_SCHEDULER,
            () -> List.of(DataPlaneChurnTest.NIC), new DataPlane.SnapshotListener() {
                @Override
                public void beforePublish(TableSnapshot snapshot) {
                    published.incrementAndGet();
                    try {
                        Thread.sleep(costMs.get()); // a compile + nft update of a big table
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        try {
            long changes = 0;
            long end = System.nanoTime() + 1_000 * MS;
            while (System.nanoTime() < end) { // like a long -R: a change every ~0.1 ms for 1 s
                change.run();
                changes++;
                java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
            }
            assertThat(dp.awaitApplied(generation.get(), 2_000)).isTrue();
            long compiles = dp.compiles();
            // Each compile costs >= 10 ms and is followed by >= 20 ms of pause: <= 34 in 1 s, + the last.
            assertThat(compiles).isBetween(2L, 40L);
            assertThat(changes).isGreaterThan(compiles * 10);

            // Idle now: a single change is compiled at once.
            Thread.sleep(100);
            long before = dp.compiles();
            long t0 = System.nanoTime();
            change.run();
            assertThat(dp.awaitApplied(generation.get(), 1_000)).isTrue();
            assertThat((System.nanoTime() - t0) / MS).isLessThan(500);
            assertThat(dp.compiles()).isEqualTo(before + 1);

            if (wakes) { // nobody waits: the change's own wake-up gets it compiled, long before the 1 s route check
                Thread.sleep(100);
                before = dp.compiles();
                t0 = System.nanoTime();
                change.run();
                while (dp.compiles() == before && System.nanoTime() - t0 < 2_000 * MS) {
                    Thread.onSpinWait();
                }
                assertThat((System.nanoTime() - t0) / MS).isLessThan(200);
            }

            // A change someone waits for (lvsd's reply to ipvsadm) is compiled at once, even right after
            // a long compile whose pause (2 x 150 ms) has not run out.
            costMs.set(150);
            change.run();
            assertThat(dp.awaitApplied(generation.get(), 1_000)).isTrue();
            costMs.set(0);
            t0 = System.nanoTime();
            change.run();
            assertThat(dp.awaitApplied(generation.get(), 1_000)).isTrue();
            assertThat((System.nanoTime() - t0) / MS).isLessThan(150);
        } finally {
            dp.close();
        }
    }
}
