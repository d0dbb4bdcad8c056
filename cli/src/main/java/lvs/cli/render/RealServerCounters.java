package lvs.cli.render;

import lvs.table.Counters;
import lvs.table.Rates;

/**
 * ipvsadm 1.29-1.31 parse a real server's 64-bit stats with the 32-bit parser: everything but the two
 * byte counters keeps only its low 32 bits. Service counters are read correctly.
 */
final class RealServerCounters {
    private static final long LOW32 = 0xffffffffL;

    private RealServerCounters() {
    }

    static Counters counters(Counters c) {
        return new Counters(c.connections() & LOW32, c.inPackets() & LOW32, c.outPackets() & LOW32,
            c.inBytes(), c.outBytes());
    }

    static Rates rates(Rates r) {
        return new Rates(r.connectionsPerSecond() & LOW32, r.inPacketsPerSecond() & LOW32,
            r.outPacketsPerSecond() & LOW32, r.inBytesPerSecond() & LOW32, r.outBytesPerSecond() & LOW32);
    }
}
