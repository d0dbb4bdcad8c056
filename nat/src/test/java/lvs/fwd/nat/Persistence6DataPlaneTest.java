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
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.ServiceFlags;
import lvs.model.ServiceSpec;
import lvs.packet.TcpHeader;
import lvs.table.ConnectionView;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Persistence for IPv6 services through the real pipeline over an in-memory I/O, with a manual clock:
 * {@code -p} pins a client to its real server until the template expires, {@code -M} is a prefix
 * length, port-0 services forward to the port asked for, OPS. The director: d0 outside (VIP
 * 2001:2::11), d1 inside; web2 was added after web1, so rr picks web2 first, then web1.
 */
class Persistence6DataPlaneTest {
    private static final String CLIENT = "2001:2::10";
    /** Same /64 as the client, another /128. */
    private static final String NEIGHBOUR = "2001:2::20";
    /** Another /64 (same /48). */
    private static final String OTHER_NET = "2001:2:0:2::10";
    private static final String VIP = "2001:2::11";
    private static final String WEB1 = "2001:2:0:1::12";
    private static final String WEB2 = "2001:2:0:1::13";
    private static final long SERVICE_ID = 1;
    private static final long WEB1_ID = 2;
    private static final long WEB2_ID = 3;

    private TestDirector director;
    private DataPlane dataPlane;

    /** {@code -A -t|-u [VIP]:port -s rr [-p seconds] [-M prefix]}, then {@code -a} web1, {@code -a} web2. */
    private static List<ServiceEntry> rules(Protocol protocol, int port, int flags, int seconds, long prefix,
                                            int rsPort) {
        ServiceSpec svc = TableEntries.service(protocol, VIP, port, "rr", flags, seconds, prefix);
        return List.of(new ServiceEntry(SERVICE_ID, svc, List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, rsPort, 1)), new RealServerEntry(WEB1_ID, masq(WEB1, rsPort, 1)))));
    }

    private static List<ServiceEntry> persistentTcp(int seconds, long prefix) {
        return rules(Protocol.TCP, 80, ServiceFlags.PERSISTENT, seconds, prefix, 80);
    }

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv6(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(persistentTcp(20, 128)).start(WEB1, TestDirector.WEB1_MAC, WEB2, TestDirector.WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private void republish(List<ServiceEntry> next) {
        director.install(next);
        director.io().drainTransmitted();
    }

    private void step(long ms) {
        director.advance(ms);
    }

    private InMemoryPacketIo.Frame forward(UnsafeBuffer frame) {
        List<InMemoryPacketIo.Frame> out = director.send(TestDirector.D0, frame);
        assertThat(out).hasSizeLessThanOrEqualTo(1);
        return out.isEmpty() ? null : out.get(0);
    }

    /** Sends a client frame; returns the real server it went to ("web1", "web2") or "dropped". */
    private String send(UnsafeBuffer frame) {
        InMemoryPacketIo.Frame out = forward(frame);
        if (out == null) {
            return "dropped";
        }
        String dst = TestDirector.ipDestination(out);
        return dst.equals(WEB1) ? "web1" : dst.equals(WEB2) ? "web2" : "?";
    }

    private static UnsafeBuffer syn(String client, int cport, int vport) {
        return TestDirector.fromClient(client, VIP).tcp(cport, vport).flags(TcpHeader.SYN).build();
    }

    private static UnsafeBuffer datagram(String client, int cport, int vport) {
        return TestDirector.fromClient(client, VIP).udp(cport, vport).payload("q").build();
    }

    private List<String> templates() {
        List<String> out = new ArrayList<>();
        for (ConnectionView v : director.templates()) {
            out.add(v.protocolName() + " " + v.stateName() + " [" + v.clientAddress() + "]:" + v.clientPort()
                + " [" + v.virtualAddress() + "]:" + v.virtualPort() + " [" + v.destinationAddress() + "]:"
                + v.destinationPort());
        }
        return out;
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
        assertThat(templates()).containsExactly("TCP NONE [" + CLIENT + "]:0 [" + VIP + "]:80 [" + WEB2 + "]:80");
        // Each new connection restarted the template's timer at the full -p.
        assertThat(director.connections()).filteredOn(v -> v.clientPort() == 0)
            .singleElement().extracting(ConnectionView::expiresSeconds).isEqualTo(20L);

        // -p ran out but SYN_RECV connections still depend on it: re-armed, still pins the client.
        step(21_000);
        assertThat(templates()).hasSize(1);
        assertThat(send(syn(CLIENT, 40002, 80))).isEqualTo("web2");

        // Every connection gone and the template with them: the scheduler is asked again.
        step(150_000);
        assertThat(templates()).isEmpty();
        assertThat(director.connections()).isEmpty();
        assertThat(persistConns(WEB2_ID)).isZero();
        assertThat(send(syn(CLIENT, 40003, 80))).isEqualTo("web1");
        // Templates are not counted as connections.
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(4);
    }

    @Test
    void udpTemplateWithNoConnectionsLeftExpiresAfterThePersistenceTimeout() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.PERSISTENT, 20, 128, 53));
        assertThat(send(datagram(CLIENT, 50000, 53))).isEqualTo("web2");
        step(250_000);
        assertThat(send(datagram(CLIENT, 50001, 53))).isEqualTo("web2");
        step(400_000);
        assertThat(director.connections()).isEmpty();
        assertThat(send(datagram(CLIENT, 50002, 53))).isEqualTo("web1");
    }

    @Test
    void prefixLengthGroupsClientsOfOneSlash64() {
        republish(persistentTcp(300, 64));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(OTHER_NET, 40000, 80))).isEqualTo("web1");
        assertThat(send(syn(NEIGHBOUR, 40001, 80))).isEqualTo("web2");
        assertThat(templates()).containsExactlyInAnyOrder(
            "TCP NONE [2001:2::]:0 [" + VIP + "]:80 [" + WEB2 + "]:80",
            "TCP NONE [2001:2:0:2::]:0 [" + VIP + "]:80 [" + WEB1 + "]:80");
        assertThat(persistConns(WEB2_ID)).isEqualTo(1);
        assertThat(persistConns(WEB1_ID)).isEqualTo(1);
    }

    @Test
    void prefixLengthBeyondSixtyFourBitsMasksTheLowHalf() {
        // /120: 2001:2::10 and 2001:2::20 share 2001:2::/120; 2001:2::110 does not.
        republish(persistentTcp(300, 120));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn("2001:2::110", 40000, 80))).isEqualTo("web1");
        assertThat(templates()).containsExactlyInAnyOrder(
            "TCP NONE [2001:2::]:0 [" + VIP + "]:80 [" + WEB2 + "]:80",
            "TCP NONE [2001:2::100]:0 [" + VIP + "]:80 [" + WEB1 + "]:80");
    }

    @Test
    void withTheDefaultPrefixEachClientHasItsOwnTemplate() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web1");
        assertThat(templates()).hasSize(2);
    }

    @Test
    void aDeletedRealServersTemplateIsInvalidated() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        republish(List.of(new ServiceEntry(SERVICE_ID, director.entries().get(0).spec(), List.of(
            new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web1");
    }

    @Test
    void portZeroServiceKeepsTheClientsPortAndOneTemplateCoversAllPorts() {
        republish(rules(Protocol.TCP, 0, ServiceFlags.PERSISTENT, 20, 128, 0));
        InMemoryPacketIo.Frame out = forward(syn(CLIENT, 40000, 22));
        assertThat(out).isNotNull();
        assertThat(out.buffer().getShort(14 + 40 + 2, ByteOrder.BIG_ENDIAN) & 0xffff).isEqualTo(22);
        assertThat(send(syn(CLIENT, 40001, 443))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 443))).isEqualTo("web1");
        assertThat(templates()).containsExactlyInAnyOrder(
            "TCP NONE [" + CLIENT + "]:0 [" + VIP + "]:0 [" + WEB2 + "]:0",
            "TCP NONE [" + NEIGHBOUR + "]:0 [" + VIP + "]:0 [" + WEB1 + "]:0");
        assertThat(director.connections()).anyMatch(v -> v.clientPort() == 40001 && v.virtualPort() == 443
            && v.destinationPort() == 443);
    }

    @Test
    void portZeroWithoutPersistenceSchedulesNothing() {
        republish(rules(Protocol.TCP, 0, 0, 0, 128, 0));
        assertThat(send(syn(CLIENT, 40000, 22))).isEqualTo("dropped");
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_DESTINATION)).isEqualTo(1);
    }

    @Test
    void onePacketSchedulingWithPersistenceStillPinsTheClient() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.PERSISTENT | ServiceFlags.ONEPACKET, 20, 128, 53));
        assertThat(send(datagram(CLIENT, 50000, 53))).isEqualTo("web2");
        assertThat(send(datagram(CLIENT, 50000, 53))).isEqualTo("web2");
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(2);
        assertThat(director.connections()).allMatch(v -> v.clientPort() == 0); // only the template is left
    }
}
