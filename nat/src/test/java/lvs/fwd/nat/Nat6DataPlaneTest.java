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

import java.nio.ByteBuffer;
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
import lvs.model.RealServerSpec;
import lvs.packet.Icmpv6Header;
import lvs.packet.TcpHeader;
import lvs.table.ConnectionView;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 NAT data path through the real pipeline over an in-memory I/O, byte for byte: wrr over
 * two real servers, SNAT of replies, hop limit, neighbour discovery (solicitations sent for a missing
 * real server, advertisements learnt, solicitations for a VIP that is not on the host answered).
 * The director: d0 outside 2001:2::11 (also the VIP), d1 inside 2001:2:0:1::11; web1 2001:2:0:1::12
 * weight 1, web2 2001:2:0:1::13 weight 2; client 2001:2::10.
 */
class Nat6DataPlaneTest {
    private static final String CLIENT = "2001:2::10";
    private static final String VIP = "2001:2::11";
    private static final String D1_IP = "2001:2:0:1::11";
    private static final String WEB1 = "2001:2:0:1::12";
    private static final String WEB2 = "2001:2:0:1::13";

    private TestDirector director;
    private DataPlane dataPlane;

    private static RealServerSpec masq(String rip, int weight) {
        return TableEntries.masq(rip, 80, weight);
    }

    /** {@code -A -t [vip]:80 -s wrr}, then web1 (weight 1) and web2 (weight 2); listed newest first. */
    private static List<ServiceEntry> rules(String vip, String newer, String older) {
        return List.of(new ServiceEntry(1, TableEntries.service(Protocol.TCP, vip, 80, "wrr"), List.of(
            new RealServerEntry(3, masq(newer, 2)), new RealServerEntry(2, masq(older, 1)))));
    }

    private static long[] a(String text) {
        return Addresses.ipv6(text);
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv6(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(rules(VIP, WEB2, WEB1)).start(CLIENT, CLIENT_MAC, WEB1, WEB1_MAC, WEB2, WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private List<InMemoryPacketIo.Frame> send(int ifIndex, UnsafeBuffer frame) {
        return director.send(ifIndex, frame);
    }

    private static UnsafeBuffer syn(int cport) {
        return TestDirector.fromClient(CLIENT, VIP).tcp(cport, 80).flags(TcpHeader.SYN).build();
    }

    /** Target address then one link-layer address option: the body of an NS or NA after its first 8 bytes. */
    private static byte[] ndBody(String target, int option, String mac) {
        long[] t = a(target);
        long m = Addresses.mac(mac);
        return ByteBuffer.allocate(24).putLong(t[0]).putLong(t[1]).put((byte) option).put((byte) 1)
            .putShort((short) (m >>> 32)).putInt((int) m).array();
    }

    @Test
    void synGoesToWeb2ThenItsReplyComesBackAsTheVip() {
        List<InMemoryPacketIo.Frame> out = send(D0, syn(40000));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D1);
        assertFrameEquals(PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ipv6(CLIENT, WEB2).ttl(63).tcp(40000, 80)
            .flags(TcpHeader.SYN).build(), out.get(0).buffer());

        out = send(D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ipv6(WEB2, CLIENT).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).payload("hello").build());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv6(VIP, CLIENT).ttl(63).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).payload("hello").build(), out.get(0).buffer());

        List<ConnectionView> conns = director.connections();
        assertThat(conns).hasSize(1);
        assertThat(conns.get(0).stateName()).isEqualTo("SYN_RECV");
        assertThat(conns.get(0).destinationAddress().toString()).isEqualTo(WEB2);
        assertThat(conns.get(0).clientAddress().toString()).isEqualTo(CLIENT);
    }

    @Test
    void newConnectionsFollowTheWrrSequenceAndAreCounted() {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            List<InMemoryPacketIo.Frame> out = send(D0, syn(41000 + i));
            assertThat(out).hasSize(1);
            order.append(TestDirector.ipDestination(out.get(0)).equals(WEB1) ? "web1 " : "web2 ");
        }
        assertThat(order.toString().trim()).isEqualTo("web2 web1 web2 web2 web1 web2");
        assertThat(dataPlane.stats().counters(1).connections()).isEqualTo(6);
        assertThat(dataPlane.stats().counters(2).connections()).isEqualTo(2);
        assertThat(dataPlane.stats().counters(3).connections()).isEqualTo(4);
    }

    @Test
    void hopLimitOneIsDroppedAndAnsweredWithTimeExceeded() {
        UnsafeBuffer expiring = PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv6(CLIENT, VIP).ttl(1).tcp(40002, 80)
            .flags(TcpHeader.SYN).build();
        byte[] quoted = new byte[expiring.capacity() - 14];
        expiring.getBytes(14, quoted);
        List<InMemoryPacketIo.Frame> out = send(D0, expiring);
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_TTL_EXPIRED)).isEqualTo(1);
        // ICMPv6 time exceeded (type 3 code 0) from the VIP, hop limit 64, quoting the packet as received.
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv6(VIP, CLIENT).ttl(64).icmp(3, 0, 0)
            .payload(quoted).build(), out.get(0).buffer());
        assertThat(dataPlane.events().get(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT)).isEqualTo(1);
    }

    @Test
    void packetLargerThanTheEgressMtuIsAnsweredWithPacketTooBig() {
        // d1 (towards the real servers) has MTU 1500; a 1600-byte packet (say from a jumbo link) does not fit.
        UnsafeBuffer big = PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv6(CLIENT, VIP).tcp(40007, 80)
            .flags(TcpHeader.SYN).payload(new byte[1600 - 60]).build();
        byte[] quoted = new byte[1232];
        big.getBytes(14, quoted);
        quoted[7] = 63; // the hop limit as it would have left
        List<InMemoryPacketIo.Frame> out = send(D0, big);
        assertThat(out).hasSize(1);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv6(VIP, CLIENT).ttl(64).icmp(2, 0, 1500)
            .payload(quoted).build(), out.get(0).buffer());
        assertThat(dataPlane.events().get(DataPlaneEvents.ICMP_PACKET_TOO_BIG_SENT)).isEqualTo(1);
    }

    @Test
    void aRealServerPacketWithNoConnectionIsDroppedAndCounted() {
        UnsafeBuffer stray = PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ipv6(WEB1, CLIENT).tcp(80, 45000)
            .flags(TcpHeader.ACK).build();
        assertThat(send(D1, stray)).isEmpty();
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_UNMATCHED_REPLY)).isEqualTo(1);
    }

    @Test
    void missingRealServerIsSolicitedAndItsAdvertisementLearnt() {
        String web3 = "2001:2:0:1::14";
        String web3Mac = "02:00:00:00:01:14";
        director.install(List.of(new ServiceEntry(1, rules(VIP, WEB2, WEB1).get(0).spec(),
            List.of(new RealServerEntry(4, masq(web3, 1))))));
        // Installing the snapshot already solicited the new real server, from d1's address to its
        // solicited-node group ff02::1:ff00:14 (MAC 33:33:ff:00:00:14).
        List<InMemoryPacketIo.Frame> ns = director.io().drainTransmitted();
        UnsafeBuffer expected = PacketBuilder.frame().eth(D1_MAC, "33:33:ff:00:00:14").ipv6(D1_IP, "ff02::1:ff00:14")
            .ttl(255).icmp(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(ndBody(web3, 1, D1_MAC)).build();
        assertThat(ns).hasSize(1);
        assertThat(ns.get(0).ifIndex()).isEqualTo(D1);
        assertFrameEquals(expected, ns.get(0).buffer());
        assertThat(send(D0, syn(40003))).isEmpty(); // within the retry second: no second solicitation
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_NEIGHBOUR)).isEqualTo(1);

        // web3 answers (solicited, override, its MAC as target link-layer address option).
        assertThat(send(D1, PacketBuilder.frame().eth(web3Mac, D1_MAC).ipv6(web3, D1_IP).ttl(255)
            .icmp(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0, 0x6000_0000).payload(ndBody(web3, 2, web3Mac))
            .build())).isEmpty();
        List<InMemoryPacketIo.Frame> out = send(D0, syn(40003));
        assertThat(out).hasSize(1);
        assertFrameEquals(PacketBuilder.frame().eth(D1_MAC, web3Mac).ipv6(CLIENT, web3).ttl(63).tcp(40003, 80)
            .flags(TcpHeader.SYN).build(), out.get(0).buffer());
    }

    @Test
    void advertisementWithAForgedHopLimitIsIgnored() {
        String web3 = "2001:2:0:1::14";
        director.install(List.of(new ServiceEntry(1, rules(VIP, WEB2, WEB1).get(0).spec(),
            List.of(new RealServerEntry(4, masq(web3, 1))))));
        director.io().drainTransmitted();
        send(D1, PacketBuilder.frame().eth("02:00:00:00:01:66", D1_MAC).ipv6(web3, D1_IP).ttl(64)
            .icmp(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0, 0x6000_0000)
            .payload(ndBody(web3, 2, "02:00:00:00:01:66")).build());
        assertThat(send(D0, syn(40004))).isEmpty();
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_NEIGHBOUR)).isEqualTo(1);
    }

    @Test
    void solicitationForAVipNotOnTheHostIsAnswered() {
        String vip = "2001:2::100";
        director.install(rules(vip, WEB2, WEB1));
        UnsafeBuffer who = PacketBuilder.frame().eth(CLIENT_MAC, "33:33:ff:00:01:00").ipv6(CLIENT, "ff02::1:ff00:100")
            .ttl(255).icmp(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(ndBody(vip, 1, CLIENT_MAC)).build();
        List<InMemoryPacketIo.Frame> out = send(D0, who);
        assertThat(out).hasSize(1);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv6(vip, CLIENT).ttl(255)
            .icmp(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0, 0x6000_0000).payload(ndBody(vip, 2, D0_MAC)).build(),
            out.get(0).buffer());
        // The director's own address is the kernel's to answer.
        UnsafeBuffer forHost = PacketBuilder.frame().eth(CLIENT_MAC, "33:33:ff:00:00:11").ipv6(CLIENT, "ff02::1:ff00:11")
            .ttl(255).icmp(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(ndBody(VIP, 1, CLIENT_MAC)).build();
        assertThat(send(D0, forHost)).isEmpty();
        // Having asked, the client is known: a SYN to the VIP goes through and the reply reaches it.
        assertThat(send(D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv6(CLIENT, vip).tcp(40005, 80)
            .flags(TcpHeader.SYN).build())).hasSize(1);
    }
}
