package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TableEntries.masq;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryMarkedPackets;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the data plane reads the NFQUEUE source of marked packets: every duty cycle only while the
 * snapshot in use has a {@code -f} service (lvsd's queue rules exist only then); otherwise once after
 * each snapshot install (leftovers of the previous rules), while reads keep returning packets, and on
 * idle cycles, never on a busy cycle of a table without {@code -f} services.
 */
class MarkedQueueReadTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final long SERVICE_ID = 1;
    private static final long WEB1_ID = 2;
    private static final long FWMARK_SERVICE_ID = 3;

    private TestDirector director;
    private InMemoryMarkedPackets marked;

    private static ServiceEntry plain() {
        return new ServiceEntry(SERVICE_ID, TableEntries.service(Protocol.TCP, VIP, 80, "rr"),
            List.of(new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))));
    }

    private static ServiceEntry fwmark(int mark) {
        ServiceSpec svc = new ServiceSpec(ServiceKey.ofFwmark(AddressFamily.INET, mark), "rr", "", 0, 0,
            0xffffffffL);
        return new ServiceEntry(FWMARK_SERVICE_ID, svc, List.of(new RealServerEntry(WEB1_ID + 10, masq(WEB1, 0, 1))));
    }

    private static UnsafeBuffer syn(int cport, int vport) {
        return TestDirector.fromClient(CLIENT, VIP).tcp(cport, vport).flags(TcpHeader.SYN).build();
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .markedPackets().entries(List.of(plain()))
            .start(CLIENT, TestDirector.CLIENT_MAC, WEB1, TestDirector.WEB1_MAC);
        marked = director.marked();
    }

    /** Busy duty cycles (a frame each on the interface), counting the marked-source reads they make. */
    private long readsDuringBusyCycles(int cycles) {
        long before = marked.polls();
        for (int i = 0; i < cycles; i++) {
            assertThat(director.send(TestDirector.D0, syn(41000 + i, 80))).hasSize(1);
        }
        return marked.polls() - before;
    }

    @Test
    void withoutFwmarkServicesBusyCyclesDoNotReadTheQueue() {
        assertThat(readsDuringBusyCycles(10)).isZero();
    }

    @Test
    void addingAFwmarkServiceResumesReadingAtOnceAndRemovingItStops() {
        director.install(List.of(plain(), fwmark(7)));
        assertThat(readsDuringBusyCycles(10)).isEqualTo(10);
        assertThat(director.sendMarked(7, syn(42000, 443))).hasSize(1); // forwarded by the -f service

        director.install(List.of(plain()));
        assertThat(readsDuringBusyCycles(10)).isZero();
    }

    @Test
    void packetsLeftInTheQueueAreReadAfterTheNextInstallAndOnIdleCycles() {
        marked.add(7, syn(43000, 443)); // queued under rules that no longer exist
        director.install(List.of(plain()));
        assertThat(marked.waiting()).isZero(); // read (and dropped: no -f service) in the install's cycle
        director.step(); // the next read finds the queue empty: busy cycles stop reading it

        marked.add(7, syn(43001, 443)); // a stray packet: read on an idle cycle, never left to keep waking it
        readsDuringBusyCycles(3);
        assertThat(marked.waiting()).isEqualTo(1);
        director.step();
        assertThat(marked.waiting()).isZero();
    }
}
