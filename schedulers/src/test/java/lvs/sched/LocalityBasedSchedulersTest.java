package lvs.sched;

import static lvs.sched.ServiceFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** lblc and lblcr: keyed on the packet's destination address, with a manual clock for expiry. */
class LocalityBasedSchedulersTest {
    private static final long MINUTE = 60_000;

    private static ServiceFixture lblc(long expirationMillis) {
        return ServiceFixture.of("lblc", SchedulerSettings.defaults().withExpirations(expirationMillis, 0),
            new AtomicLong(5_000_000));
    }

    private static ServiceFixture lblcr(long expirationMillis) {
        return ServiceFixture.of("lblcr", SchedulerSettings.defaults().withExpirations(0, expirationMillis),
            new AtomicLong(5_000_000));
    }

    private static void to(ServiceFixture svc, String daddr) {
        svc.flow.destinationIpv4(ip(daddr));
    }

    @Test
    void lblcSticksToTheCachedServerWhileItIsNotLocallyOverloaded() {
        ServiceFixture svc = lblc(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 1).add("B", 1);
        to(svc, "93.184.216.34");
        assertThat(svc.pick()).isEqualTo("B");            // miss: wlc over [B, A], tie -> first
        svc.connections("B", 1, 50);                     // wlc would now prefer idle A...
        assertThat(svc.pick()).isEqualTo("B");            // ...but B has active 1 <= weight 1: stays
        svc.overloaded("B", true);                       // the OVERLOAD flag is not checked for the cached dest
        assertThat(svc.pick()).isEqualTo("B");
        to(svc, "198.51.100.7");                         // a new address: wlc skips the OVERLOADED B
        assertThat(svc.pick()).isEqualTo("A");
    }

    @Test
    void lblcMovesWhenTheCachedServerIsBusyAndAnotherUnderHalfLoad() {
        ServiceFixture svc = lblc(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 4).add("B", 1);
        to(svc, "93.184.216.34");
        assertThat(svc.pick()).isEqualTo("B");
        // B: active 2 > weight 1, and A: 1*2 < 4 -> "overloaded": wlc picks A (256/4 < 512/1) and the entry follows.
        svc.connections("B", 2, 0).connections("A", 1, 0);
        assertThat(svc.pick()).isEqualTo("A");
        svc.connections("B", 0, 0).connections("A", 3, 0); // A: 3 <= 4, not overloaded: stays on A
        assertThat(svc.pick()).isEqualTo("A");
        svc.weight("A", 0);                                  // quiesced: chosen anew
        assertThat(svc.pick()).isEqualTo("B");
    }

    @Test
    void lblcNotOverloadedWhenNobodyIsUnderHalfLoad() {
        ServiceFixture svc = lblc(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 2).add("B", 1);
        to(svc, "93.184.216.34");
        assertThat(svc.pick()).isEqualTo("B");
        svc.connections("B", 9, 0).connections("A", 1, 0); // A: 1*2 < 2 is false; B: 9*2 < 1 false
        assertThat(svc.pick()).isEqualTo("B");
    }

    @Test
    void lblcFullCheckEvery30MinutesDropsEntriesUnusedForTheExpiration() {
        ServiceFixture svc = lblc(10 * MINUTE).add("A", 1).add("B", 1);
        LocalityBasedLeastConnectionScheduler scheduler = (LocalityBasedLeastConnectionScheduler) svc.scheduler;
        to(svc, "10.9.9.1");
        assertThat(svc.pick()).isEqualTo("B");                 // X -> B at t0
        svc.advanceMillis(29 * MINUTE);
        to(svc, "10.9.9.2");
        svc.pick();                                            // Y created at t0+29m
        svc.connections("B", 0, 1);                            // now wlc would choose A for a fresh X
        svc.advanceMillis(MINUTE - 1);
        to(svc, "10.9.9.1");
        assertThat(svc.pick()).isEqualTo("B");                 // t0+30m-1ms: the 30th tick has not run yet
        assertThat(scheduler.cachedEntries()).isEqualTo(2);
        svc.advanceMillis(MINUTE);                             // the 30th tick (t0+30m) is a full check
        to(svc, "10.9.9.3");
        svc.pick();
        // X was last used at t0+30m-1ms, so it stays; Y (t0+29m) stays too. Nothing expired yet: 3 entries.
        assertThat(scheduler.cachedEntries()).isEqualTo(3);
        svc.advanceMillis(30 * MINUTE);                        // next full check at t0+60m: all three are stale
        to(svc, "10.9.9.1");
        assertThat(svc.pick()).isEqualTo("A");                 // X expired: wlc picks the idle A afresh
        assertThat(scheduler.cachedEntries()).isEqualTo(1);
    }

    @Test
    void lblcrGrowsTheSetWhenItsBestMemberIsLocallyOverloaded() {
        ServiceFixture svc = lblcr(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 1).add("B", 1);
        LocalityBasedLeastConnectionWithReplicationScheduler scheduler =
            (LocalityBasedLeastConnectionWithReplicationScheduler) svc.scheduler;
        to(svc, "93.184.216.34");
        assertThat(svc.pick()).isEqualTo("B");                 // miss: set {B}
        assertThat(scheduler.replicaCount(svc.flow)).isEqualTo(1);
        svc.connections("B", 2, 0);                            // 2 > 1 and A under half: wlc adds A
        assertThat(svc.pick()).isEqualTo("A");
        assertThat(scheduler.replicaCount(svc.flow)).isEqualTo(2);
        svc.connections("A", 1, 0);                            // set {A, B}: min by wlc is A (256 < 512)
        assertThat(svc.pick()).isEqualTo("A");
        svc.overloaded("A", true);                             // OVERLOAD members are skipped by set_min
        assertThat(svc.pick()).isEqualTo("B");
    }

    @Test
    void lblcrShedsTheBusiestMemberAfterTheExpiration() {
        ServiceFixture svc = lblcr(10 * MINUTE).add("A", 1).add("B", 1);
        LocalityBasedLeastConnectionWithReplicationScheduler scheduler =
            (LocalityBasedLeastConnectionWithReplicationScheduler) svc.scheduler;
        to(svc, "93.184.216.34");
        svc.pick();                                            // {B}
        svc.connections("B", 2, 0);
        svc.pick();                                            // {A, B}, lastmod = t0
        svc.connections("A", 1, 0);
        svc.advanceMillis(10 * MINUTE);                        // now == lastmod + expiration: not yet after
        assertThat(svc.pick()).isEqualTo("A");
        assertThat(scheduler.replicaCount(svc.flow)).isEqualTo(2);
        svc.advanceMillis(1);                                  // strictly after: drop set_max (B, 512 > 256)
        assertThat(svc.pick()).isEqualTo("A");
        assertThat(scheduler.replicaCount(svc.flow)).isEqualTo(1);
        svc.advanceMillis(60 * MINUTE);                        // a one-member set is never shed
        svc.connections("A", 0, 0);
        assertThat(svc.pick()).isEqualTo("A");
        assertThat(scheduler.replicaCount(svc.flow)).isEqualTo(1);
    }

    @Test
    void removedDestinationsLeaveCachesAndIndicesFollowTheList() {
        ServiceFixture svc = lblcr(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 1).add("B", 1);
        to(svc, "93.184.216.34");
        assertThat(svc.pick()).isEqualTo("B");
        svc.add("C", 1);                                       // [C, B, A]: B's index moved, the set follows
        assertThat(svc.pick()).isEqualTo("B");
        svc.remove("B");
        assertThat(svc.pick()).isEqualTo("C");                 // empty set: wlc over [C, A]

        ServiceFixture lblc = lblc(SchedulerSettings.DEFAULT_EXPIRATION_MILLIS).add("A", 1).add("B", 1);
        to(lblc, "93.184.216.34");
        assertThat(lblc.pick()).isEqualTo("B");
        lblc.add("C", 1);
        lblc.connections("C", 0, 0);
        assertThat(lblc.pick()).isEqualTo("B");
        lblc.remove("B");
        lblc.connections("C", 1, 0);
        assertThat(lblc.pick()).isEqualTo("A");
    }

    @Test
    void noDestinationIsNone() {
        assertThat(lblc(MINUTE).pick()).isEqualTo("NONE");
        assertThat(lblcr(MINUTE).add("A", 0).pick()).isEqualTo("NONE");
    }
}
