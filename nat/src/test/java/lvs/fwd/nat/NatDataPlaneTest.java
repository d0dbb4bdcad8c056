package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TestDirector.CLIENT_MAC;
import static lvs.fixtures.dataplane.TestDirector.D0;
import static lvs.fixtures.dataplane.TestDirector.D0_MAC;
import static lvs.fixtures.dataplane.TestDirector.D1;
import static lvs.fixtures.dataplane.TestDirector.D1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB2_MAC;
import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.packet.ArpPacket;
import lvs.packet.TcpHeader;
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
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";

    private TestDirector director;
    private DataPlane dataPlane;

    private static List<ServiceEntry> seedRules(String vip, int rport) {
        // newest first, as the kernel lists them: web2 was added after web1
        return List.of(new ServiceEntry(1, TableEntries.service(Protocol.TCP, vip, 80, "wrr"), List.of(
            new RealServerEntry(3, TableEntries.masq(WEB2, rport, 2)),
            new RealServerEntry(2, TableEntries.masq(WEB1, rport, 1)))));
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(seedRules(VIP, 80)).start(CLIENT, CLIENT_MAC, WEB1, WEB1_MAC, WEB2, WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private List<InMemoryPacketIo.Frame> send(int ifIndex, UnsafeBuffer frame) {
        return director.send(ifIndex, frame);
    }

    private static UnsafeBuffer syn(int cport) {
        return TestDirector.fromClient(CLIENT, VIP).tcp(cport, 80).flags(TcpHeader.SYN).build();
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

        List<ConnectionView> conns = director.connections();
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
            order.append(TestDirector.ipDestination(out.get(0)).equals(WEB1) ? "web1 " : "web2 ");
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
        director.install(seedRules(VIP, 8080));
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
        director.install(List.of(new ServiceEntry(1, seedRules(VIP, 80).get(0).spec(),
            List.of(new RealServerEntry(4, TableEntries.masq("198.18.1.20", 80, 1))))));
        // Installing the snapshot already asked for the new real server's MAC.
        List<InMemoryPacketIo.Frame> arp = director.io().drainTransmitted();
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
        director.install(seedRules("198.18.0.100", 80));
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
