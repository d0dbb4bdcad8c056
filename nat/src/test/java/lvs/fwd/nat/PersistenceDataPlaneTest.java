package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TableEntries.masq;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.packet.TcpHeader;
import lvs.table.ConnectionView;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Persistence ({@code -p}, {@code -M}), port-0 services and one-packet scheduling through the real
 * pipeline over an in-memory I/O, with a manual clock. The seed-000 director (d0 outside with the VIP,
 * d1 inside); web2 was added after web1, so rr picks web2 first, then web1: without persistence a
 * client's second connection would go to the other real server.
 */
class PersistenceDataPlaneTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String NEIGHBOUR = "198.18.0.20";
    private static final String OTHER_NET = "198.18.2.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";
    private static final long SERVICE_ID = 1;
    private static final long WEB1_ID = 2;
    private static final long WEB2_ID = 3;

    private TestDirector director;
    private DataPlane dataPlane;

    /** {@code -A -t|-u VIP:port -s rr [-p seconds] [-M mask] [-o]}, then {@code -a} web1, {@code -a} web2. */
    private static List<ServiceEntry> rules(Protocol protocol, int port, int flags, int seconds, long netmask,
                                            int rsPort, int web1Weight) {
        ServiceSpec svc = TableEntries.service(protocol, VIP, port, "rr", flags, seconds, netmask);
        return List.of(new ServiceEntry(SERVICE_ID, svc, List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, rsPort, 1)), new RealServerEntry(WEB1_ID, masq(WEB1, rsPort,
                web1Weight)))));
    }

    private static List<ServiceEntry> persistentTcp(int seconds, long netmask) {
        return rules(Protocol.TCP, 80, ServiceFlags.PERSISTENT, seconds, netmask, 80, 1);
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .markedPackets().entries(persistentTcp(20, 0xffffffffL))
            .start(CLIENT, TestDirector.CLIENT_MAC, WEB1, TestDirector.WEB1_MAC, WEB2, TestDirector.WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private void republish(List<ServiceEntry> next) {
        director.install(next);
    }

    private void step(long ms) {
        director.advance(ms);
    }

    /** Sends a client frame; returns the real server it went to ("web1", "web2") or "dropped". */
    private String send(UnsafeBuffer frame) {
        return realServerOf(director.send(TestDirector.D0, frame));
    }

    private static String realServerOf(List<InMemoryPacketIo.Frame> out) {
        if (out.isEmpty()) {
            return "dropped";
        }
        assertThat(out).hasSize(1);
        String dst = TestDirector.ipDestination(out.get(0));
        return dst.equals(WEB1) ? "web1" : dst.equals(WEB2) ? "web2" : "?";
    }

    /** The destination port of the frame last forwarded to a real server. */
    private int forwardedPort(UnsafeBuffer frame) {
        List<InMemoryPacketIo.Frame> out = director.send(TestDirector.D0, frame);
        assertThat(out).hasSize(1);
        return out.get(0).buffer().getShort(14 + 20 + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
    }

    private static UnsafeBuffer syn(String client, int cport, int vport) {
        return TestDirector.fromClient(client, VIP).tcp(cport, vport).flags(TcpHeader.SYN).build();
    }

    private static UnsafeBuffer datagram(String client, int cport, int vport) {
        return TestDirector.fromClient(client, VIP).udp(cport, vport).payload("q").build();
    }

    private List<ConnectionView> templates() {
        return director.templates();
    }

    private long persistConns(long realServerId) {
        return dataPlane.stats().connectionCounts(realServerId).persistent();
    }

    @Test
    void sameClientSameRealServerUntilTheTemplateExpires() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        step(5_000);
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2"); // rr alone would say web1
        assertThat(persistConns(WEB2_ID)).isEqualTo(1);
        assertThat(persistConns(WEB1_ID)).isZero();
        // Each new connection restarted the template's timer at the full -p.
        List<ConnectionView> t = templates();
        assertThat(t).hasSize(1);
        assertThat(t.get(0).expiresSeconds()).isEqualTo(20);

        // -p ran out (t = 26 s) but two SYN_RECV connections still depend on it: re-armed for 60 s,
        // and it still pins the client.
        step(21_000);
        assertThat(templates()).hasSize(1);
        assertThat(send(syn(CLIENT, 40002, 80))).isEqualTo("web2");

        // Once every connection is gone and the template with them, the scheduler is asked again.
        step(150_000);
        assertThat(templates()).isEmpty();
        assertThat(director.connections()).isEmpty();
        assertThat(persistConns(WEB2_ID)).isZero();
        assertThat(send(syn(CLIENT, 40003, 80))).isEqualTo("web1");
        // Templates are not counted as connections: 4 connections for the service.
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(4);
    }

    @Test
    void templateWithNoConnectionsLeftExpiresAfterThePersistenceTimeout() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.PERSISTENT, 20, 0xffffffffL, 53, 1));
        assertThat(send(datagram(CLIENT, 50000, 53))).isEqualTo("web2");
        // UDP connections live 300 s by default; the template is re-armed in 60 s steps meanwhile.
        step(250_000);
        assertThat(send(datagram(CLIENT, 50001, 53))).isEqualTo("web2");
        step(400_000);
        assertThat(director.connections()).isEmpty();
        assertThat(send(datagram(CLIENT, 50002, 53))).isEqualTo("web1");
    }

    @Test
    void theLongestPersistenceTimeoutIsKeptWhole() {
        // 31 days in ms does not fit a signed int: the table keeps timeouts unsigned, as the kernel does.
        republish(persistentTcp(2_678_400, 0xffffffffL));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(templates().get(0).expiresSeconds()).isEqualTo(2_678_400);
        step(60_000);
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2");
    }

    @Test
    void netmaskGroupsClientsOfOneSlash24() {
        republish(persistentTcp(300, 0xffffff00L));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(OTHER_NET, 40000, 80))).isEqualTo("web1");
        assertThat(send(syn(NEIGHBOUR, 40001, 80))).isEqualTo("web2");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.protocolName() + " " + v.stateName() + " " + v.clientAddress() + ":" + v.clientPort() + " "
                + v.virtualAddress() + ":" + v.virtualPort() + " " + v.destinationAddress() + ":"
                + v.destinationPort());
        }
        assertThat(lines).containsExactlyInAnyOrder(
            "TCP NONE 198.18.0.0:0 198.18.0.11:80 198.18.1.13:80",
            "TCP NONE 198.18.2.0:0 198.18.0.11:80 198.18.1.12:80");
        assertThat(persistConns(WEB2_ID)).isEqualTo(1);
        assertThat(persistConns(WEB1_ID)).isEqualTo(1);
    }

    @Test
    void withoutANetmaskEachClientHasItsOwnTemplate() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web1");
        assertThat(templates()).hasSize(2);
    }

    @Test
    void templateIsListedAndBecomesAssuredWhenItsConnectionIsEstablished() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        ConnectionView t = templates().get(0);
        assertThat(t.protocolName()).isEqualTo("TCP");
        assertThat(t.stateName()).isEqualTo("NONE");
        assertThat(t.clientAddress().toString()).isEqualTo(CLIENT);
        assertThat(t.virtualAddress().toString() + ":" + t.virtualPort()).isEqualTo(VIP + ":80");
        assertThat(t.destinationAddress().toString() + ":" + t.destinationPort()).isEqualTo(WEB2 + ":80");
        assertThat(t.expiresSeconds()).isEqualTo(20);

        director.send(TestDirector.D1, PacketBuilder.frame().eth(TestDirector.WEB2_MAC, TestDirector.D1_MAC)
            .ipv4(WEB2, CLIENT).tcp(80, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        director.send(TestDirector.D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.ACK).build());
        assertThat(templates().get(0).stateName()).isEqualTo("ASSURED");
    }

    @Test
    void aQuiescedRealServerKeepsItsClientsButADeletedOneDoesNot() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        // web2 weight 0: the template still sends the client there (the scheduler is not asked).
        republish(List.of(new ServiceEntry(SERVICE_ID, director.entries().get(0).spec(), List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, 80, 0)), new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2");
        // web2 deleted: the template is made unmatchable (ports 65535) and a new one made for web1.
        republish(List.of(new ServiceEntry(SERVICE_ID, director.entries().get(0).spec(), List.of(
            new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40002, 80))).isEqualTo("web1");
        List<String> ports = new ArrayList<>();
        for (ConnectionView v : templates()) {
            ports.add(v.destinationAddress() + ":" + v.virtualPort() + ":" + v.destinationPort());
        }
        assertThat(ports).containsExactlyInAnyOrder(WEB2 + ":65535:65535", WEB1 + ":80:80");
    }

    @Test
    void portZeroServiceKeepsTheClientsPortAndOneTemplateCoversAllPorts() {
        republish(rules(Protocol.TCP, 0, ServiceFlags.PERSISTENT, 20, 0xffffffffL, 0, 1));
        assertThat(forwardedPort(syn(CLIENT, 40000, 22))).isEqualTo(22);
        assertThat(send(syn(CLIENT, 40001, 443))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 443))).isEqualTo("web1");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.clientAddress() + ":" + v.clientPort() + " " + v.virtualAddress() + ":" + v.virtualPort()
                + " " + v.destinationAddress() + ":" + v.destinationPort());
        }
        assertThat(lines).containsExactlyInAnyOrder(
            CLIENT + ":0 " + VIP + ":0 " + WEB2 + ":0", NEIGHBOUR + ":0 " + VIP + ":0 " + WEB1 + ":0");
        // The connections themselves show the port asked for.
        assertThat(director.connections()).anyMatch(v -> v.clientPort() == 40001 && v.virtualPort() == 443
            && v.destinationPort() == 443);
    }

    @Test
    void anExactServiceWinsOverThePortZeroOne() {
        ServiceSpec any = TableEntries.service(Protocol.TCP, VIP, 0, "rr", ServiceFlags.PERSISTENT, 20, 0xffffffffL);
        ServiceSpec web = TableEntries.service(Protocol.TCP, VIP, 80, "rr");
        republish(List.of(new ServiceEntry(SERVICE_ID, any, List.of(new RealServerEntry(WEB2_ID, masq(WEB2, 0, 1)))),
            new ServiceEntry(10, web, List.of(new RealServerEntry(11, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web1");
        assertThat(send(syn(CLIENT, 40001, 8080))).isEqualTo("web2");
    }

    @Test
    void portZeroWithoutPersistenceSchedulesNothing() {
        republish(rules(Protocol.TCP, 0, 0, 0, 0xffffffffL, 0, 1));
        assertThat(send(syn(CLIENT, 40000, 22))).isEqualTo("dropped");
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_DESTINATION)).isEqualTo(1);
    }

    /** Sends a frame as the kernel's marked copy (NFQUEUE); returns the real server it went to. */
    private String sendMarked(int mark, UnsafeBuffer frame) {
        return realServerOf(director.sendMarked(mark, frame));
    }

    @Test
    void aFwmarkServiceSharesOneTemplateAcrossProtocolsAndPorts() {
        ServiceSpec svc = new ServiceSpec(ServiceKey.ofFwmark(lvs.model.AddressFamily.INET, 1), "rr", "",
            ServiceFlags.PERSISTENT, 20, 0xffffffffL);
        republish(List.of(new ServiceEntry(SERVICE_ID, svc, List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, 0, 1)), new RealServerEntry(WEB1_ID, masq(WEB1, 0, 1))))));
        assertThat(sendMarked(1, syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(sendMarked(1, syn(CLIENT, 40001, 443))).isEqualTo("web2");
        assertThat(sendMarked(1, datagram(CLIENT, 40002, 53))).isEqualTo("web2");
        assertThat(sendMarked(1, syn(NEIGHBOUR, 40000, 443))).isEqualTo("web1");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.protocolName() + " " + v.clientAddress() + ":" + v.clientPort() + " " + v.virtualAddress()
                + ":" + v.virtualPort() + " " + v.destinationAddress() + ":" + v.destinationPort());
        }
        // ip_vs_conn: protocol IP, the mark as the virtual address, ports 0.
        assertThat(lines).containsExactlyInAnyOrder("IP " + CLIENT + ":0 0.0.0.1:0 " + WEB2 + ":0",
            "IP " + NEIGHBOUR + ":0 0.0.0.1:0 " + WEB1 + ":0");
    }

    @Test
    void onePacketSchedulingSpreadsEveryDatagramAndKeepsNoConnection() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.ONEPACKET, 0, 0xffffffffL, 53, 1));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(send(datagram(CLIENT, 50000, 53))); // the same flow every time
        }
        assertThat(got).containsExactly("web2", "web1", "web2", "web1");
        assertThat(director.connections()).isEmpty();
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(4);
        assertThat(dataPlane.stats().connectionCounts(WEB1_ID).inactive()).isZero();
        assertThat(dataPlane.stats().connectionCounts(WEB2_ID).inactive()).isZero();
    }

    @Test
    void onePacketSchedulingWithPersistenceStillPinsTheClient() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.ONEPACKET | ServiceFlags.PERSISTENT, 20, 0xffffffffL, 53, 1));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(send(datagram(CLIENT, 50000 + i, 53)));
        }
        assertThat(got).containsExactly("web2", "web2", "web2");
        List<ConnectionView> all = director.connections();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).clientPort()).isZero(); // only the template
        assertThat(send(datagram(NEIGHBOUR, 50000, 53))).isEqualTo("web1");
    }

    @Test
    void opsIsForUdpOnlyATcpServiceKeepsItsConnections() {
        republish(rules(Protocol.TCP, 80, ServiceFlags.ONEPACKET, 0, 0xffffffffL, 80, 1));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(director.connections()).hasSize(1);
    }
}
