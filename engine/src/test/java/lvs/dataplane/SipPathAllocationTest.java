package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import lvs.conn.ConnectionFlags;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import lvs.conn.TemplatePeData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The {@code --pe sip} steps of the packet path allocate nothing: the Call-ID search, its hash, the
 * template lookup, a new template (bytes copied into a slot) and its expiry, measured per thread.
 */
class SipPathAllocationTest {
    private static final int V4 = ConnectionTable.AF_INET;
    private static final int UDP = 17;
    private static final int CALLS = 512;

    private final ConnectionTable table = new ConnectionTable(4096, 3);
    private final ConnectionTracker tracker = new ConnectionTracker(table, new DestinationCounters(4),
        new ProtocolTimeouts(), 0);
    private final UnsafeBuffer[] payloads = new UnsafeBuffer[CALLS];
    private long now;

    SipPathAllocationTest() {
        table.enablePeData(CALLS);
        for (int i = 0; i < CALLS; i++) {
            byte[] text = ("INVITE sip:bob@198.18.0.11 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.10\r\nCall-ID: call-" + i
                + "@198.18.0.10\r\nCSeq: 1 INVITE\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            payloads[i] = new UnsafeBuffer(new byte[text.length]);
            payloads[i].putBytes(0, text);
        }
    }

    private long run(int rounds) {
        long found = 0;
        for (int r = 0; r < rounds; r++) {
            for (int pass = 0; pass < 2; pass++) { // the first pass makes the templates, the second finds them
                for (UnsafeBuffer p : payloads) {
                    long id = SipCallId.find(p, 0, p.capacity());
                    int off = SipCallId.offset(id);
                    int len = SipCallId.length(id);
                    int hash = TemplatePeData.hash(p, off, len);
                    int t = table.findPeTemplate(V4, UDP, 0, 10, 0, 11, 5060, TemplatePeData.SIP, p, off, len, hash);
                    if (t == ConnectionTable.NOT_FOUND) {
                        t = tracker.openPeTemplate(V4, UDP, 0, 10, 0, 11, 5060, V4, 0, 12, 5060,
                            ConnectionFlags.MASQ, 0, 1, 1000, now, TemplatePeData.SIP, p, off, len, hash);
                    } else {
                        found++;
                    }
                    if (t == ConnectionTable.NOT_FOUND) {
                        throw new AssertionError("no template for call " + found);
                    }
                }
            }
            now += 5_000; // -p 1 s: every template of this round is due
            while (tracker.expireDue(now, 256) == 256) {
                // drain
            }
        }
        return found;
    }

    @Test
    void sipStepsDoNotAllocate() {
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        run(200);
        long before = threads.getCurrentThreadAllocatedBytes();
        long found = run(50);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(found).isEqualTo(50L * CALLS);
        assertThat(table.size()).isZero();
        assertThat(table.peData().used()).isZero();
        assertThat(allocated).isLessThan(1024);
    }
}
