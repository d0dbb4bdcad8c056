package lvs.cli.ipvsadm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;
import org.junit.jupiter.api.Test;

/**
 * {@code --stats}/{@code --rate} K/M/G scaling and {@code --exact}, through the whole command line. The
 * oracle's emulated kernel has no traffic, so the expected bytes are the reference's transcripts T6
 * and T7, which were produced by the real binary with these counters injected.
 */
class CounterScalingTest {
    private static final StatsSource BUSY = new StatsSource() {
        @Override
        public Counters counters(long objectId) {
            return new Counters(1234, 56789, 45000, 7400000, 1234567890L);
        }

        @Override
        public Rates rates(long objectId) {
            return new Rates(99999999, 100000000, 4294967295L, 5, 6);
        }
    };

    private final VirtualServerTable table = new VirtualServerTable(BUSY, name -> OptionalInt.empty(), 0);

    @Test
    void statsAreScaledUnlessExact() {
        run("-A -t 207.175.44.110:80 -s rr");
        run("-a -t 207.175.44.110:80 -r 192.168.10.1:80 -m");
        run("-A -f 1 -s rr -p");
        run("-a -f 1 -r 192.168.10.4:0 -m");
        assertThat(run("-L -n --stats -t 207.175.44.110:80")).isEqualTo(""
            + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  207.175.44.110:80                1234    56789    45000  7400000    1234M\n"
            + "  -> 192.168.10.1:80                  1234    56789    45000  7400000    1234M\n");
        assertThat(run("-L -n --stats --exact -f 1")).isEqualTo(""
            + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            + "  -> RemoteAddress:Port\n"
            + "FWM  1                                1234    56789    45000  7400000 1234567890\n"
            + "  -> 192.168.10.4:0                   1234    56789    45000  7400000 1234567890\n");
    }

    @Test
    void serviceRatesAreScaledRealServerPacketRatesNever() {
        run("-A -t 10.0.0.1:80 -s rr");
        run("-a -t 10.0.0.1:80 -r 192.168.0.1:80 -m");
        assertThat(run("-L -n --rate -t 10.0.0.1:80")).isEqualTo(""
            + "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  10.0.0.1:80                  99999999  100000K    4294M        5        6\n"
            + "  -> 192.168.0.1:80               99999999 100000000 4294967295        5        6\n");
    }

    private String run(String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Ipvsadm.run("ipvsadm", List.of(line.split(" ")), new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), System.err, table,
            GoldenTranscriptTest.filesOnlyEnvironment());
        assertThat(rc).as(line).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
