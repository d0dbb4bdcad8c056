package lvs.sched;

import static lvs.sched.ServiceFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties of sh, dh and mh beyond the reference tables: stability, weights, quiescing, disruption. */
class HashingSchedulersTest {
    @Test
    void hash32MatchesTheSpecExample() {
        // kernel-ipvs.md 4.7: 10.0.0.2 -> bucket 550 with 10 bits, 137 with 8 bits.
        assertThat(KernelHash.hash32(ip("10.0.0.2"), 10)).isEqualTo(550);
        assertThat(KernelHash.hash32(ip("10.0.0.2"), 8)).isEqualTo(137);
    }

    @Test
    void shFillsWeightConsecutiveBuckets() {
        // A w=1 then B w=2: list [B, A]; buckets B, B, A, B, B, A, ... B gets 171 of 256, A 85.
        ServiceFixture svc = ServiceFixture.of("sh").add("A", 1).add("B", 2);
        int[] table = ((SourceHashingScheduler) svc.scheduler).table();
        assertThat(Arrays.copyOf(table, 6)).containsExactly(0, 0, 1, 0, 0, 1);
        assertThat(Arrays.stream(table).filter(i -> i == 0).count()).isEqualTo(171);
        // A weight-0 destination still takes one bucket per lap.
        svc.weight("A", 0);
        table = ((SourceHashingScheduler) svc.scheduler).table();
        assertThat(Arrays.copyOf(table, 6)).containsExactly(0, 0, 1, 0, 0, 1);
    }

    @Test
    void dhFailsRatherThanFallingBack() {
        ServiceFixture svc = ServiceFixture.of("dh").add("A", 1).add("B", 1);
        svc.flow.destinationIpv4(ip("10.0.0.2")); // bucket 137: odd, so the second in [B, A]
        assertThat(svc.pick()).isEqualTo("A");
        svc.overloaded("A", true);
        assertThat(svc.pick()).isEqualTo("NONE");
        svc.overloaded("A", false).weight("A", 0);
        assertThat(svc.pick()).isEqualTo("NONE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "dh", "mh"})
    void sameKeySameDestination(String name) {
        ServiceFixture svc = ServiceFixture.of(name);
        for (int i = 0; i < 7; i++) {
            svc.add("d" + i, 1 + i % 3);
        }
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            int client = random.nextInt();
            svc.flow.ipv4(client, random.nextInt(65536), client ^ 0x5a5a5a5a, 80);
            String first = svc.pick();
            assertThat(first).isNotEqualTo("NONE");
            for (int repeat = 0; repeat < 3; repeat++) {
                assertThat(svc.pick()).isEqualTo(first);
            }
        }
    }

    @Test
    void shPortSpreadsOneClientOverServers() {
        ServiceFixture svc = ServiceFixture.of("sh").add("A", 1).add("B", 1).add("C", 1).flags(SchedulerFlags.PORT);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int port = 1024; port < 1100; port++) {
            svc.flow.sourcePort(port);
            seen.add(svc.pick());
        }
        assertThat(seen).containsExactlyInAnyOrder("A", "B", "C");
    }

    @Test
    void mhRemovingOneOfNMovesAboutOneNthOfFlows() {
        int n = 10;
        ServiceFixture svc = ServiceFixture.of("mh");
        for (int i = 0; i < n; i++) {
            svc.add("d" + i, ip("172.16.1." + (i + 1)), 8080, 1);
        }
        int flows = 20_000;
        String[] before = new String[flows];
        Random random = new Random(3);
        int[] clients = random.ints(flows).toArray();
        for (int f = 0; f < flows; f++) {
            svc.flow.sourceIpv4(clients[f]);
            before[f] = svc.pick();
        }
        svc.remove("d4");
        int moved = 0;
        int movedFromOthers = 0;
        for (int f = 0; f < flows; f++) {
            svc.flow.sourceIpv4(clients[f]);
            String now = svc.pick();
            if (!now.equals(before[f])) {
                moved++;
                if (!before[f].equals("d4")) {
                    movedFromOthers++;
                }
            }
        }
        // The removed server's flows (about 1/N) must move; Maglev moves only a few others.
        assertThat((double) moved / flows).isBetween(0.07, 0.10 + 0.03);
        assertThat((double) movedFromOthers / flows).isLessThan(0.03);
    }

    @Test
    void mhQuiescedKeepsItsSlotsAndFallbackSkipsIt() {
        ServiceFixture svc = ServiceFixture.of("mh").add("A", 1).add("B", 1).add("C", 1);
        int[] before = ((MaglevHashingScheduler) svc.scheduler).table();
        svc.weight("B", 0);
        assertThat(((MaglevHashingScheduler) svc.scheduler).table()).containsExactly(before);
        Random random = new Random(5);
        int failed = 0;
        for (int i = 0; i < 3000; i++) {
            svc.flow.sourceIpv4(random.nextInt());
            String noFallback = svc.flags(0).pick();
            String withFallback = svc.flags(SchedulerFlags.FALLBACK).pick();
            assertThat(withFallback).isIn("A", "C");
            if (noFallback.equals("NONE")) {
                failed++;
            } else {
                assertThat(withFallback).isEqualTo(noFallback);
            }
        }
        assertThat(failed).isBetween(800, 1200); // B's third of the table
    }

    @Test
    void mhAddedWithWeightZeroGetsNoSlotsAndAllZeroEmptiesTheTable() {
        ServiceFixture svc = ServiceFixture.of("mh").add("A", 1).add("Z", 0);
        int[] table = ((MaglevHashingScheduler) svc.scheduler).table();
        assertThat(table).containsOnly(svc.indexOf("A"));
        svc.remove("A");
        assertThat(((MaglevHashingScheduler) svc.scheduler).table()).containsOnly(Scheduler.NONE);
        assertThat(svc.pick()).isEqualTo("NONE");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 10, 12, 15, 17})
    void mhSlotOfIsExactlyUnsignedRemainder(int tableIndex) {
        MaglevTable table = new MaglevTable(tableIndex);
        Random random = new Random(tableIndex);
        int[] edges = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, table.size, table.size - 1, -table.size};
        for (int hash : edges) {
            assertThat(table.slotOf(hash)).isEqualTo(Integer.remainderUnsigned(hash, table.size));
        }
        for (int i = 0; i < 200_000; i++) {
            int hash = random.nextInt();
            assertThat(table.slotOf(hash)).isEqualTo(Integer.remainderUnsigned(hash, table.size));
        }
    }

    @Test
    void hashSchedulersWithNoDestinationsPickNone() {
        for (String name : new String[] {"sh", "dh", "mh"}) {
            assertThat(ServiceFixture.of(name).pick()).as(name).isEqualTo("NONE");
        }
    }
}
