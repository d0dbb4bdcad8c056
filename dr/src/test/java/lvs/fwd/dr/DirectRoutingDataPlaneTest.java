package lvs.fwd.dr;

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
import lvs.table.Counters;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import lvs.table.StatsSource.ConnectionCounts;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DR data path through the real pipeline (connection table, rr, next hops, ARP), frames in and out
 * of an in-memory I/O, byte for byte: the kernel self-test's shape with two real servers. The director
 * has d0 on the client's network (198.18.0.11, VIP 198.18.0.254) and d1 on the real servers' network
 * (198.18.1.11); web1 198.18.1.12 and web2 198.18.1.13 are {@code -g} under rr. Replies never reach
 * the director, so connections move through the INPUT-ONLY rows of the TCP table.
 */
class DirectRoutingDataPlaneTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.254";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";
    private static final long SERVICE_ID = 1;
    private static final long WEB1_ID = 2;
    private static final long WEB2_ID = 3;

    private TestDirector director;
    private DataPlane dataPlane;

    /** {@code -A -t VIP:80 -s rr; -a ... -r first -g; -a ... -r second -g}, listed newest first. */
    private static List<ServiceEntry> rules(String first, String second) {
        return List.of(new ServiceEntry(SERVICE_ID, TableEntries.service(Protocol.TCP, VIP, 80, "rr"), List.of(
            new RealServerEntry(WEB2_ID, TableEntries.realServer(second, 80, ForwardingMethod.ROUTE, 1)),
            new RealServerEntry(WEB1_ID, TableEntries.realServer(first, 80, ForwardingMethod.ROUTE, 1)))));
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv4("198.18.0.11", VIP).forwarder(ForwardingMethod.ROUTE, new DirectRoutingForwarder())
            .entries(rules(WEB1, WEB2)).start(CLIENT, CLIENT_MAC, WEB1, WEB1_MAC, WEB2, WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private List<InMemoryPacketIo.Frame> send(int ifIndex, UnsafeBuffer frame, long offload) {
        return director.send(ifIndex, frame, offload);
    }

    private static PacketBuilder fromClient(int cport, int flags) {
        return TestDirector.fromClient(CLIENT, VIP).tcp(cport, 80).flags(flags);
    }

    private static PacketBuilder toRealServer(String rsMac, int cport, int flags) {
        return PacketBuilder.frame().eth(D1_MAC, rsMac).ipv4(CLIENT, VIP).ttl(63).tcp(cport, 80).flags(flags);
    }

    @Test
    void synLeavesOnTheRealServersLinkAddressedToItsMacWithTheVipUnchanged() {
        List<InMemoryPacketIo.Frame> out = send(D0, fromClient(40000, TcpHeader.SYN).seq(9).build(), 0L);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D1);
        String mac = rsMacOf(out.get(0));
        assertFrameEquals(toRealServer(mac, 40000, TcpHeader.SYN).seq(9).build(), out.get(0).buffer());
        assertThat(dataPlane.events().get(DataPlaneEvents.FORWARDED_TO_REAL_SERVER)).isEqualTo(1);
    }

    @Test
    void rrAlternatesBetweenTheTwoRealServers() {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            List<InMemoryPacketIo.Frame> out = send(D0, fromClient(41000 + i, TcpHeader.SYN).build(), 0L);
            assertThat(out).hasSize(1);
            order.append(rsMacOf(out.get(0)).equals(WEB1_MAC) ? "web1 " : "web2 ");
        }
        String[] picks = order.toString().trim().split(" ");
        for (int i = 1; i < picks.length; i++) {
            assertThat(picks[i]).as(order.toString()).isNotEqualTo(picks[i - 1]);
        }
        assertThat(dataPlane.stats().counters(WEB1_ID).connections()).isEqualTo(3);
        assertThat(dataPlane.stats().counters(WEB2_ID).connections()).isEqualTo(3);
    }

    @Test
    void connectionMovesThroughTheInputOnlyRowsAndNothingIsCountedOut() {
        String mac = rsMacOf(send(D0, fromClient(40000, TcpHeader.SYN).build(), 0L).get(0));
        long rs = mac.equals(WEB1_MAC) ? WEB1_ID : WEB2_ID;
        assertThat(only().stateName()).isEqualTo("SYN_RECV");
        assertThat(dataPlane.stats().connectionCounts(rs)).isEqualTo(new ConnectionCounts(1, 0, 0));

        // The real server's SYN-ACK went straight to the client; the client's ACK establishes.
        assertThat(send(D0, fromClient(40000, TcpHeader.ACK).build(), 0L)).hasSize(1);
        assertThat(only().stateName()).isEqualTo("ESTABLISHED");
        assertThat(send(D0, fromClient(40000, TcpHeader.ACK | TcpHeader.PSH).payload("GET / HTTP/1.1\r\n\r\n")
            .build(), 0L)).hasSize(1);

        // Client's FIN: FIN_WAIT (120 s) on the input-only row, and the connection counts as inactive.
        assertThat(send(D0, fromClient(40000, TcpHeader.FIN | TcpHeader.ACK).build(), 0L)).hasSize(1);
        assertThat(only().stateName()).isEqualTo("FIN_WAIT");
        assertThat(only().expiresSeconds()).isBetween(119L, 120L);
        assertThat(send(D0, fromClient(40000, TcpHeader.ACK).build(), 0L)).hasSize(1);
        assertThat(only().stateName()).isEqualTo("FIN_WAIT");
        assertThat(dataPlane.stats().connectionCounts(rs)).isEqualTo(new ConnectionCounts(0, 1, 0));

        Counters svc = dataPlane.stats().counters(SERVICE_ID);
        assertThat(svc.connections()).isEqualTo(1);
        assertThat(svc.inPackets()).isEqualTo(5);
        assertThat(svc.outPackets()).isZero();
        assertThat(svc.outBytes()).isZero();
    }

    @Test
    void gsoSuperFrameGoesOnWholeWithItsOffloadMetadata() {
        send(D0, fromClient(40000, TcpHeader.SYN).build(), 0L);
        PacketBuilder bulk = fromClient(40000, TcpHeader.ACK).payloadOfLength(20_000).gso(1448);
        List<InMemoryPacketIo.Frame> out = send(D0, bulk.build(), bulk.offload());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).offload()).isEqualTo(bulk.offload());
        assertFrameEquals(toRealServer(rsMacOf(out.get(0)), 40000, TcpHeader.ACK).payloadOfLength(20_000).gso(1448)
            .build(), out.get(0).buffer());
    }

    @Test
    void ttlOneIsDroppedAndAnsweredWithTimeExceeded() {
        UnsafeBuffer expiring = fromClient(40000, TcpHeader.SYN).ttl(1).build();
        byte[] quoted = new byte[expiring.capacity() - 14];
        expiring.getBytes(14, quoted);
        List<InMemoryPacketIo.Frame> out = send(D0, expiring, 0L);
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_TTL_EXPIRED)).isEqualTo(1);
        // ICMP type 11 code 0 from the VIP back to the client, quoting the packet as received.
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).tos(0xC0).ttl(64).ipId(0)
            .fragmentWord(0).icmp(11, 0, 0).payload(quoted).build(), out.get(0).buffer());
    }

    @Test
    void unknownRealServerMacIsAskedForByArpNeverGuessed() {
        director.install(rules("198.18.1.20", WEB2));
        List<InMemoryPacketIo.Frame> arp = director.io().drainTransmitted();
        UnsafeBuffer request = PacketBuilder.frame().eth(D1_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, Addresses.mac(D1_MAC), "198.18.1.11", 0L, "198.18.1.20").build();
        assertThat(arp).hasSize(1);
        assertFrameEquals(request, 0, request.capacity(), arp.get(0).buffer(), 0, request.capacity());
        // rr over [web2, 198.18.1.20]: the one that cannot be resolved yet is dropped, not sent anywhere.
        int sent = 0;
        for (int i = 0; i < 2; i++) {
            for (InMemoryPacketIo.Frame f : send(D0, fromClient(42000 + i, TcpHeader.SYN).build(), 0L)) {
                assertThat(rsMacOf(f)).isEqualTo(WEB2_MAC);
                sent++;
            }
        }
        assertThat(sent).isEqualTo(1);
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_NEIGHBOUR)).isEqualTo(1);
    }

    @Test
    void realServersDirectReplyIsNotTheDirectorsToForward() {
        // Were a reply from the VIP ever handed to the director's MAC, it is no connection's input.
        send(D0, fromClient(40000, TcpHeader.SYN).build(), 0L);
        UnsafeBuffer reply = PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ipv4(VIP, CLIENT).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).build();
        assertThat(send(D1, reply, 0L)).isEmpty();
        assertThat(dataPlane.stats().counters(SERVICE_ID).outPackets()).isZero();
    }

    @Test
    void realServerOnTheClientsLanLeavesThroughTheInterfaceItCameIn() {
        // Seed 003 as published: director, real servers and the router on one /24.
        director.learn("198.18.0.12", "02:00:00:00:00:0c");
        director.learn("198.18.0.13", "02:00:00:00:00:0d");
        director.install(rules("198.18.0.12", "198.18.0.13"));
        List<InMemoryPacketIo.Frame> out = send(D0, fromClient(40000, TcpHeader.SYN).build(), 0L);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(D0);
        String dst = TestDirector.ethDestination(out.get(0));
        assertThat(dst).isIn("02:00:00:00:00:0c", "02:00:00:00:00:0d");
        assertFrameEquals(PacketBuilder.frame().eth(D0_MAC, dst).ipv4(CLIENT, VIP).ttl(63).tcp(40000, 80)
            .flags(TcpHeader.SYN).build(), out.get(0).buffer());
    }

    private ConnectionView only() {
        List<ConnectionView> conns = director.connections();
        assertThat(conns).hasSize(1);
        return conns.get(0);
    }

    /** The frame's destination MAC, which must be one of the real servers'. */
    private static String rsMacOf(InMemoryPacketIo.Frame f) {
        String mac = TestDirector.ethDestination(f);
        assertThat(mac).isIn(WEB1_MAC, WEB2_MAC);
        return mac;
    }
}
