package lvs.fwd.nat;

import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

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
import lvs.packet.ArpPacket;
import lvs.packet.TcpHeader;
import lvs.sched.SchedulerSettings;
import lvs.sched.WeightedRoundRobinScheduler;
import lvs.snapshot.SpiScheduler;
import lvs.table.ConnectionView;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT data path through the real pipeline (connection table, wrr, next hops, ARP), frames in and
 * out of an in-memory I/O, byte for byte. The seed-000 director: d0 outside (198.18.0.11, also the
 * VIP), d1 inside (198.18.1.11); web1 weight 1, web2 weight 2, both masqueraded.
 */
class NatDataPlaneTest {
    private static final int D0 = 2;
    private static final int D1 = 3;
    private static final String D0_MAC = "02:00:00:00:00:0b";
    private static final String D1_MAC = "02:00:00:00:01:0b";
    private static final String CLIENT_MAC = "02:00:00:00:00:0a";
    private static final String WEB1_MAC = "02:00:00:00:01:0c";
    private static final String WEB2_MAC = "02:00:00:00:01:0d";
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";

    private final InMemoryPacketIo io = new InMemoryPacketIo(new int[] {D0, D1});
    private DataPlane dataPlane;
    private DataPlane.Invoker invoker;
    private long now = 1_000_000_000L;
    private List<ServiceEntry> entries = seedRules(VIP, 80);

    private static RealServerSpec masq(String rip, int port, int weight) {
        return new RealServerSpec(InetAddress.ofIpv4(Addresses.ipv4(rip)), port, ForwardingMethod.MASQUERADE, weight,
            0, 0, TunnelType.IPIP, 0, 0);
    }

    private static List<ServiceEntry> seedRules(String vip, int rport) {
        ServiceSpec svc = new ServiceSpec(ServiceKey.of(Protocol.TCP, InetAddress.ofIpv4(Addresses.ipv4(vip)), 80),
            "wrr", "", 0, 0, 0xffffffffL);
        // newest first, as the kernel lists them: web2 was added after web1
        return List.of(new ServiceEntry(1, svc, List.of(
            new RealServerEntry(3, masq(WEB2, rport, 2)), new RealServerEntry(2, masq(WEB1, rport, 1)))));
    }

    @BeforeEach
    void setUp() {
        List<Nic> nics = List.of(
            new Nic("d0", D0, Addresses.mac(D0_MAC), 1500, new int[] {Addresses.ipv4("198.18.0.11")}),
            new Nic("d1", D1, Addresses.mac(D1_MAC), 1500, new int[] {Addresses.ipv4("198.18.1.11")}));
        Ipv4Routes routes = Ipv4Routes.of(List.of(
            new Ipv4Routes.Route(Addresses.ipv4("198.18.0.0"), 0xffffff00, 0, 0, "d0"),
            new Ipv4Routes.Route(Addresses.ipv4("198.18.1.0"), 0xffffff00, 0, 0, "d1")), nics);
        DataPlane.Rules rules = new DataPlane.Rules() {
            @Override
            public List<ServiceEntry> entries() {
                return entries;
            }

            @Override
            public Timeouts timeouts() {
                return Timeouts.KERNEL_DEFAULTS;
            }

            @Override
            public long generation() {
                return 1;
            }
        };
        Forwarder[] forwarders = new Forwarder[5];
        forwarders[0] = new MasqueradeForwarder();
        dataPlane = new DataPlane(1024, 4096);
        invoker = dataPlane.invoker(rules, io, forwarders,
            SpiScheduler.factory(n -> new WeightedRoundRobinScheduler(SchedulerSettings.defaults())), nics, routes,
            now / 1_000_000L);
        invoker.learnNeighbour(D0, Addresses.ipv4(CLIENT), Addresses.mac(CLIENT_MAC));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB1), Addresses.mac(WEB1_MAC));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB2), Addresses.mac(WEB2_MAC));
        invoker.publish();
        step();
    }

    private void step() {
        now += 1_000_000L;
        invoker.doWork(now);
    }

    private List<InMemoryPacketIo.Frame> send(int ifIndex, UnsafeBuffer frame) {
        io.inject(ifIndex, frame, 0L);
        step();
        return io.drainTransmitted();
    }

    private static UnsafeBuffer syn(int cport) {
        return PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP).tcp(cport, 80).flags(TcpHeader.SYN).build();
    }

    @Test
    void synGoesToWeb2ThenItsReplyComesBackAsTheVip() {
        List<InMemoryPacketIo.Frame> out = send(D0, syn(40000));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D1);
        assertFrameEquals(PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ipv4(CLIENT, WEB2).ttl(63).tcp(40000, 80)
            .flags(TcpHeader.SYN).build(), out.get(0).buffer());

        UnsafeBuffer synAck = PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ipv4(WEB2, CLIENT).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).build();
        out = send(D1, synAck);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).ttl(63).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).build(), out.get(0).buffer());

        List<ConnectionView> conns = invoker.connections(now);
        assertThat(conns).hasSize(1);
        assertThat(conns.get(0).stateName()).isEqualTo("SYN_RECV");
        assertThat(conns.get(0).destinationAddress().toString()).isEqualTo(WEB2);
    }

    @Test
    void newConnectionsFollowTheSeedWrrSequence() {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            List<InMemoryPacketIo.Frame> out = send(D0, syn(41000 + i));
            assertThat(out).hasSize(1);
            int dst = out.get(0).buffer().getInt(14 + 16, java.nio.ByteOrder.BIG_ENDIAN);
            order.append(dst == Addresses.ipv4(WEB1) ? "web1 " : "web2 ");
        }
        assertThat(order.toString().trim()).isEqualTo("web2 web1 web2 web2 web1 web2 web2 web1 web2");
        // Counters: 9 connections, 9 packets in, none out yet.
        assertThat(dataPlane.stats().counters(1).connections()).isEqualTo(9);
        assertThat(dataPlane.stats().counters(2).connections()).isEqualTo(3);
        assertThat(dataPlane.stats().counters(3).connections()).isEqualTo(6);
        assertThat(dataPlane.stats().counters(1).inPackets()).isEqualTo(9);
        assertThat(dataPlane.stats().connectionCounts(3).active()).isEqualTo(6);
    }

    @Test
    void portMappingRewritesTheDestinationPort() {
        entries = seedRules(VIP, 8080);
        invoker.publish();
        step();
        List<InMemoryPacketIo.Frame> out = send(D0, syn(40001));
        assertFrameEquals(PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ipv4(CLIENT, WEB2).ttl(63).tcp(40001, 8080)
            .flags(TcpHeader.SYN).build(), out.get(0).buffer());
    }

    @Test
    void aRealServerPacketWithNoConnectionIsDroppedAndCounted() {
        UnsafeBuffer stray = PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ipv4(WEB1, CLIENT).tcp(80, 45000)
            .flags(TcpHeader.ACK).build();
        assertThat(send(D1, stray)).isEmpty();
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_UNMATCHED_REPLY)).isEqualTo(1);
    }

    @Test
    void ttlOneIsDroppedAndAnsweredWithTimeExceeded() {
        UnsafeBuffer expiring = PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP).ttl(1).tcp(40002, 80)
            .flags(TcpHeader.SYN).build();
        byte[] quoted = new byte[expiring.capacity() - 14];
        expiring.getBytes(14, quoted);
        List<InMemoryPacketIo.Frame> out = send(D0, expiring);
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_TTL_EXPIRED)).isEqualTo(1);
        // ICMP type 11 code 0 from the VIP, TOS 0xC0, TTL 64, no DF, quoting the packet as received.
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).tos(0xC0).ttl(64).ipId(0)
            .fragmentWord(0).icmp(11, 0, 0).payload(quoted).build(), out.get(0).buffer());
        assertThat(dataPlane.events().get(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT)).isEqualTo(1);
    }

    @Test
    void missingNeighbourIsResolvedByArpAndThePacketDroppedMeanwhile() {
        entries = List.of(new ServiceEntry(1, seedRules(VIP, 80).get(0).spec(),
            List.of(new RealServerEntry(4, masq("198.18.1.20", 80, 1)))));
        invoker.publish();
        step();
        // Installing the snapshot already asked for the new real server's MAC.
        List<InMemoryPacketIo.Frame> arp = io.drainTransmitted();
        UnsafeBuffer request = PacketBuilder.frame().eth(D1_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, Addresses.mac(D1_MAC), "198.18.1.11", 0L, "198.18.1.20").build();
        assertThat(arp).hasSize(1);
        assertFrameEquals(request, 0, request.capacity(), arp.get(0).buffer(), 0, request.capacity());
        assertThat(send(D0, syn(40003))).isEmpty(); // within the retry second: no second request
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_NEIGHBOUR)).isEqualTo(1);
        // The reply teaches us the MAC; the client's retransmitted SYN then goes through.
        send(D1, PacketBuilder.frame().eth("02:00:00:00:01:14", D1_MAC).arp(ArpPacket.OP_REPLY,
            Addresses.mac("02:00:00:00:01:14"), "198.18.1.20", Addresses.mac(D1_MAC), "198.18.1.11").build());
        List<InMemoryPacketIo.Frame> out = send(D0, syn(40003));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).buffer().getShort(0)).isNotZero();
        assertFrameEquals(PacketBuilder.frame().eth(D1_MAC, "02:00:00:00:01:14").ipv4(CLIENT, "198.18.1.20").ttl(63)
            .tcp(40003, 80).flags(TcpHeader.SYN).build(), out.get(0).buffer());
    }

    @Test
    void arpForAVipThatIsNotOnTheHostIsAnswered() {
        entries = seedRules("198.18.0.100", 80);
        invoker.publish();
        step();
        UnsafeBuffer who = PacketBuilder.frame().eth(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, Addresses.mac(CLIENT_MAC), CLIENT, 0L, "198.18.0.100").build();
        List<InMemoryPacketIo.Frame> out = send(D0, who);
        assertThat(out).hasSize(1);
        UnsafeBuffer answer = PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC)
            .arp(ArpPacket.OP_REPLY, Addresses.mac(D0_MAC), "198.18.0.100", Addresses.mac(CLIENT_MAC), CLIENT).build();
        assertFrameEquals(answer, 0, answer.capacity(), out.get(0).buffer(), 0, answer.capacity());
        // The director's own address is the kernel's to answer.
        UnsafeBuffer forHost = PacketBuilder.frame().eth(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, Addresses.mac(CLIENT_MAC), CLIENT, 0L, VIP).build();
        assertThat(send(D0, forHost)).isEmpty();
    }
}
