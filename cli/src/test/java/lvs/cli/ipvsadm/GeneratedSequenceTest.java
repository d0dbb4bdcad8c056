package lvs.cli.ipvsadm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import lvs.table.IpvsException;
import lvs.table.VirtualServerTable;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random command lines against one table: ipvsadm never throws, the table's invariants
 * always hold, and a command that fails (non-zero exit) leaves the table exactly as it was. {@code -R}
 * is the one command allowed to fail after changing things (it is not atomic), so stdin carries a
 * random line too and is checked only for the invariants.
 */
class GeneratedSequenceTest {
    private static final int SEQUENCES = 1000;
    private static final int COMMANDS_PER_SEQUENCE = 40;

    @Test
    void randomCommandLinesNeverThrowAndFailuresChangeNothing() throws IpvsException {
        IpvsadmEnvironment env = GoldenTranscriptTest.filesOnlyEnvironment();
        int failures = 0;
        int successes = 0;
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            RandomCommandLines generator = new RandomCommandLines(seed);
            VirtualServerTable table = OracleScriptRunner.freshTable();
            for (int i = 0; i < COMMANDS_PER_SEQUENCE; i++) {
                List<String> argv = generator.next();
                String stdinLine = String.join(" ", generator.next()) + "\n";
                String before = state(table);
                long generationBefore = table.generation();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int rc = Ipvsadm.run("ipvsadm", argv,
                    new ByteArrayInputStream(stdinLine.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), table, env);
                String context = "seed " + seed + " step " + i + ": ipvsadm " + argv + "\n" + err;
                table.checkInvariants();
                assertThat(rc).as(context).isBetween(0, 255);
                boolean restore = argv.stream().anyMatch(a -> a.equals("-R") || a.equals("--restore"));
                if (rc != 0 && !restore) {
                    failures++;
                    assertThat(state(table)).as(context).isEqualTo(before);
                    assertThat(table.generation()).as(context).isEqualTo(generationBefore);
                } else {
                    successes++;
                }
                if (rc != 0 && rc != 139 && !restore) {
                    assertThat(err.size()).as("a failure says why: " + context).isPositive();
                }
            }
        }
        assertThat(failures).as("the generator exercises errors").isGreaterThan(1000);
        assertThat(successes).as("and successes").isGreaterThan(300);
    }

    /** Everything a command could change: services, servers and settings, timeouts, daemons. */
    private static String state(VirtualServerTable table) throws IpvsException {
        return table.dump() + "\n" + table.timeouts() + "\n" + table.daemons();
    }
}
