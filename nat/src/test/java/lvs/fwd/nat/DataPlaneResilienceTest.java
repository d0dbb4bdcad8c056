package lvs.fwd.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.dataplane.Forwarder;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Nic;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;
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
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data-plane thread survives bugs: a snapshot whose install throws leaves forwarding on the last
 * good snapshot, a frame whose handling throws is dropped and counted, and the next ones are forwarded.
 */
class DataPlaneResilienceTest {
    private static final int D0 = 2;
    private static final int D1 = 3;
    private static final String D0_MAC = "02:00:00:00:00:0b";
    private static final String D1_MAC = "02:00:00:00:01:0b";
    private static final String CLIENT_MAC = "02:00:00:00:00:0a";
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String VIP2 = "198.18.0.12";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";

    private final InMemoryPacketIo io = new InMemoryPacketIo(new int[] {D0, D1});
    private DataPlane dataPlane;
    private DataPlane.Invoker invoker;
    private long now = 1_000_000_000L;
    private long generation = 1;
    private final List<ServiceEntry> entries = new ArrayList<>();

    private static RealServerSpec server(String rip, ForwardingMethod method) {
        return new RealServerSpec(InetAddress.ofIpv4(Addresses.ipv4(rip)), 80, method, 1, 0, 0, TunnelType.IPIP, 0, 0);
    }

    private static ServiceEntry service(long id, String vip, String scheduler, RealServerEntry... servers) {
        ServiceSpec spec = new ServiceSpec(ServiceKey.of(Protocol.TCP, InetAddress.ofIpv4(Addresses.ipv4(vip)), 80),
            scheduler, "", 0, 0, 0xffffffffL);
        return new ServiceEntry(id, spec, List.of(servers));
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
        List<Nic> nics = List.of(
            new Nic("d0", D0, Addresses.mac(D0_MAC), 1500, new int[] {Addresses.ipv4("198.18.0.11")}),
            new Nic("d1", D1, Addresses.mac(D1_MAC), 1500, new int[] {Addresses.ipv4("198.18.1.11")}));
        Ipv4Routes routes = Ipv4Routes.of(List.of(
            new Ipv4Routes.Route(Addresses.ipv4("198.18.0.0"), 0xffffff00, 0, 0, "d0"),
            new Ipv4Routes.Route(Addresses.ipv4("198.18.1.0"), 0xffffff00, 0, 0, "d1")), nics);
        DataPlane.Rules rules = new DataPlane.Rules() {
            @Override
            public List<ServiceEntry> entries() {
                return List.copyOf(entries);
            }

            @Override
            public Timeouts timeouts() {
                return Timeouts.KERNEL_DEFAULTS;
            }

            @Override
            public long generation() {
                return generation;
            }
        };
        Forwarder[] forwarders = new Forwarder[5];
        forwarders[ForwardingMethod.MASQUERADE.kernelValue()] = new MasqueradeForwarder();
        forwarders[ForwardingMethod.ROUTE.kernelValue()] = new Throwing();
        dataPlane = new DataPlane(1024, 4096);
        ServiceScheduler.Factory wrr = SpiScheduler.factory(n -> new WeightedRoundRobinScheduler(SchedulerSettings.defaults()));
        invoker = dataPlane.invoker(rules, io, forwarders, name -> name.equals("broken") ? new Broken() : wrr.create(name),
            nics, routes, now / 1_000_000L);
        invoker.learnNeighbour(D0, Addresses.ipv4(CLIENT), Addresses.mac(CLIENT_MAC));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB1), Addresses.mac("02:00:00:00:01:0c"));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB2), Addresses.mac("02:00:00:00:01:0d"));
        invoker.publish();
        step();
    }

    private void step() {
        now += 1_000_000L;
        invoker.doWork(now);
    }

    private List<InMemoryPacketIo.Frame> syn(String vip, int cport) {
        UnsafeBuffer frame = PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, vip).tcp(cport, 80)
            .flags(TcpHeader.SYN).build();
        io.inject(D0, frame, 0L);
        step();
        return io.drainTransmitted();
    }

    private void change(Runnable edit) {
        edit.run();
        generation++;
        invoker.publish();
        step();
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
        assertThat(out.get(0).ifIndex()).isEqualTo(D1);
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
