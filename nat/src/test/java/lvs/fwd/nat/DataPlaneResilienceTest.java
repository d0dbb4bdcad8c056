package lvs.fwd.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.dataplane.Forwarder;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.packet.FlowKey;
import lvs.packet.TcpHeader;
import lvs.sched.SchedulerSettings;
import lvs.sched.WeightedRoundRobinScheduler;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.SpiScheduler;
import lvs.snapshot.TableSnapshot;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data-plane thread survives bugs: a snapshot whose install throws leaves forwarding on the last
 * good snapshot, a frame whose handling throws is dropped and counted, and the next ones are forwarded.
 */
class DataPlaneResilienceTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String VIP2 = "198.18.0.12";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";

    private TestDirector director;
    private DataPlane dataPlane;
    private final List<ServiceEntry> entries = new ArrayList<>();

    private static RealServerSpec server(String rip, ForwardingMethod method) {
        return TableEntries.realServer(rip, 80, method, 1);
    }

    private static ServiceEntry service(long id, String vip, String scheduler, RealServerEntry... servers) {
        return new ServiceEntry(id, TableEntries.service(Protocol.TCP, vip, 80, scheduler), List.of(servers));
    }

    /** A scheduler with a bug: it throws when shown its service. */
    private static final class Broken implements ServiceScheduler {
        @Override
        public int pick(TableSnapshot snapshot, int service, FlowKey flow, lvs.snapshot.ConnectionCounters counters) {
            return NONE;
        }

        @Override
        public void destinationsChanged(TableSnapshot snapshot, int service) {
            throw new IllegalStateException("scheduler bug");
        }
    }

    /** A forwarder with a bug. */
    private static final class Throwing implements Forwarder {
        @Override
        public int toRealServer(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                                int virtualAddress, int virtualPort, boolean checksumPartial) {
            throw new ArrayIndexOutOfBoundsException("Index -1 out of bounds for length 4");
        }

        @Override
        public int toClient(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                            int virtualAddress, int virtualPort, boolean checksumPartial) {
            throw new ArrayIndexOutOfBoundsException("Index -1 out of bounds for length 4");
        }
    }

    @BeforeEach
    void setUp() {
        entries.add(service(1, VIP, "wrr", new RealServerEntry(3, server(WEB2, ForwardingMethod.MASQUERADE)),
            new RealServerEntry(2, server(WEB1, ForwardingMethod.MASQUERADE))));
        ServiceScheduler.Factory wrr = SpiScheduler.factory(n -> new WeightedRoundRobinScheduler(SchedulerSettings.defaults()));
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .forwarder(ForwardingMethod.ROUTE, new Throwing())
            .schedulers(name -> name.equals("broken") ? new Broken() : wrr.create(name))
            .entries(List.copyOf(entries))
            .start(CLIENT, TestDirector.CLIENT_MAC, WEB1, TestDirector.WEB1_MAC, WEB2, TestDirector.WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private List<InMemoryPacketIo.Frame> syn(String vip, int cport) {
        return director.send(TestDirector.D0, TestDirector.fromClient(CLIENT, vip).tcp(cport, 80)
            .flags(TcpHeader.SYN).build());
    }

    private void change(Runnable edit) {
        edit.run();
        director.install(List.copyOf(entries));
    }

    @Test
    void aSnapshotWhoseInstallThrowsLeavesForwardingOnTheLastGoodOne() {
        assertThat(syn(VIP, 40000)).hasSize(1);
        change(() -> entries.add(service(10, VIP2, "broken",
            new RealServerEntry(11, server(WEB1, ForwardingMethod.MASQUERADE)))));

        assertThat(dataPlane.events().get(DataPlaneEvents.SNAPSHOT_INSTALL_FAILED)).isEqualTo(1);
        assertThat(dataPlane.awaitApplied(2, 0)).isFalse(); // not reported as live
        List<InMemoryPacketIo.Frame> out = syn(VIP, 40001); // the old service still forwards
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(TestDirector.D1);
        assertThat(syn(VIP2, 40002)).isEmpty(); // the refused snapshot's service is not forwarded

        change(() -> entries.remove(1)); // the bad service removed: the next snapshot installs
        assertThat(dataPlane.awaitApplied(3, 0)).isTrue();
        assertThat(syn(VIP, 40003)).hasSize(1);
        assertThat(dataPlane.events().get(DataPlaneEvents.FORWARDED_TO_REAL_SERVER)).isEqualTo(3);
    }

    @Test
    void aFrameWhoseHandlingThrowsIsDroppedAndCountedAndTheNextOnesAreForwarded() {
        change(() -> entries.add(service(10, VIP2, "wrr",
            new RealServerEntry(11, server(WEB1, ForwardingMethod.ROUTE)))));
        assertThat(dataPlane.awaitApplied(2, 0)).isTrue();
        assertThat(syn(VIP2, 40000)).isEmpty();
        assertThat(syn(VIP2, 40001)).isEmpty();
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_INTERNAL_ERROR)).isEqualTo(2);
        assertThat(syn(VIP, 40002)).hasSize(1);
        assertThat(syn(VIP, 40003)).hasSize(1);
    }
}
