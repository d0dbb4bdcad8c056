package lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * dh, sh and mh against tables and picks computed independently, in Python, from the kernel's formulas
 * ({@code schedulers/src/test/scripts/hash_schedulers_reference.py}; its SipHash is checked against the
 * SipHash paper's test vector). Regenerate the resource from the repository root with
 * {@code python3 schedulers/src/test/scripts/hash_schedulers_reference.py
 * > schedulers/src/test/resources/lvs/sched/hash_schedulers_reference.txt}.
 */
class HashSchedulersReferenceTest {
    private record Case(String name, String scheduler, int flags, List<String[]> lines) {
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceCase() throws IOException {
        return readCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) throws IOException {
        boolean ipv6 = c.lines().stream().anyMatch(l -> l[0].equals("add") && l[1].contains(":"));
        DestinationArrays dests = new DestinationArrays(ipv6 ? DestinationView.AF_INET6 : DestinationView.AF_INET, 4);
        dests.setSchedulerFlags(c.flags());
        Scheduler scheduler = SchedulerRegistry.create(c.scheduler(), SchedulerSettings.defaults());
        scheduler.onBound(dests);
        MutableFlow flow = new MutableFlow();
        int picks = 0;
        for (String[] line : c.lines()) {
            switch (line[0]) {
                case "add" -> {
                    int[] words = words(line[1]);
                    int index = ipv6 ? dests.addIpv6(words, port(line[2]), port(line[3]))
                        : dests.addIpv4(words[0], port(line[2]), port(line[3]));
                    scheduler.onDestinationAdded(dests, index);
                }
                case "weight" -> {
                    int index = indexOf(dests, line[1], line[2]);
                    dests.setWeight(index, Integer.parseInt(line[3]));
                    scheduler.onDestinationUpdated(dests, index);
                }
                case "overload" -> dests.setOverloaded(indexOf(dests, line[1], line[2]), true);
                case "perm" -> { } // informative; the table below depends on it
                case "table" -> assertThat(table(scheduler))
                    .as("%s table", c.name())
                    .containsExactly(java.util.Arrays.stream(line, 1, line.length).mapToInt(Integer::parseInt).toArray());
                case "pick" -> {
                    int[] client = words(line[1]);
                    int[] daddr = words(line[3]);
                    if (line[1].contains(":")) {
                        flow.ipv6(client, port(line[2]), new int[] {daddr[0], 0, 0, 0}, 80);
                        // An IPv6 flow has an IPv6 destination; dh is only fed IPv4 cases.
                    } else {
                        flow.ipv4(client[0], port(line[2]), daddr[0], 80);
                    }
                    if (c.scheduler().equals("dh") && line[1].contains(":")) {
                        continue;
                    }
                    assertThat(scheduler.select(dests, flow))
                        .as("%s: client %s port %s daddr %s", c.name(), line[1], line[2], line[3])
                        .isEqualTo(Integer.parseInt(line[4]));
                    picks++;
                }
                default -> throw new IllegalStateException("unknown line " + line[0]);
            }
        }
        assertThat(picks).isPositive();
    }

    private static int[] table(Scheduler scheduler) {
        if (scheduler instanceof MaglevHashingScheduler mh) {
            return mh.table();
        }
        if (scheduler instanceof SourceHashingScheduler sh) {
            return sh.table();
        }
        return ((DestinationHashingScheduler) scheduler).table();
    }

    private static int indexOf(DestinationArrays dests, String address, String port) throws IOException {
        int[] words = words(address);
        for (int i = 0; i < dests.count(); i++) {
            boolean same = dests.port(i) == port(port);
            for (int w = 0; w < 4 && same; w++) {
                same = dests.ipv6AddressWord(i, w) == words[w];
            }
            if (same) {
                return i;
            }
        }
        throw new IllegalArgumentException(address);
    }

    /** Address as four big-endian words; an IPv4 address is word 0. */
    static int[] words(String address) throws IOException {
        byte[] raw = InetAddress.getByName(address).getAddress();
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        int[] words = new int[4];
        for (int w = 0; w < raw.length / 4; w++) {
            words[w] = buffer.getInt();
        }
        return words;
    }

    private static int port(String text) {
        return Integer.parseInt(text);
    }

    private static List<Case> readCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            HashSchedulersReferenceTest.class.getResourceAsStream("hash_schedulers_reference.txt"),
            StandardCharsets.US_ASCII))) {
            List<String[]> lines = null;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                if (text.startsWith("#") || text.isBlank()) {
                    continue;
                }
                String[] fields = text.split(" ");
                if (fields[0].equals("case")) {
                    lines = new ArrayList<>();
                    cases.add(new Case(fields[1], fields[2], Integer.parseInt(fields[3]), lines));
                } else {
                    lines.add(fields);
                }
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases;
    }
}
