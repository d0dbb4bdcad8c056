package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TableEntries.masq;
import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.PacketBuilder;
import lvs.fixtures.sip.SipMessages;
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
import org.junit.jupiter.api.Test;

/**
 * {@code --pe sip}: the kernel's SIP persistence engine through the real pipeline. A persistent UDP
 * service keys its templates by the client network and the datagram's Call-ID, so one client's calls
 * are spread by the scheduler while every datagram of one call (whatever its source port) follows the
 * first; a datagram without a usable Call-ID is dropped. The seed director (d0 with the VIP
 * 198.18.0.11, d1 inside); web2 was added after web1, so rr picks web2 first.
 */
class SipPersistenceDataPlaneTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String NEIGHBOUR = "198.18.0.20";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";
    private static final int SIP = 5060;
    private static final String CALL_A = "a84b4c76e66710@pc33.example.com";
    private static final String CALL_B = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@198.18.0.10";

    private TestDirector director;
    private DataPlane dataPlane;

    /** {@code -A -u|-t VIP:5060 -s rr [-p 60] [-M mask] [-o] --pe sip; -a web1 -m; -a web2 -m}. */
    private void start(String vip, Protocol protocol, int flags, long netmask) {
        ServiceSpec svc = new ServiceSpec(ServiceKey.of(protocol, TableEntries.address(vip), SIP), "rr", "sip", flags,
            (flags & ServiceFlags.PERSISTENT) != 0 ? 60 : 0, netmask);
        boolean v6 = vip.indexOf(':') >= 0;
        String web1 = v6 ? "2001:2:0:1::12" : WEB1;
        String web2 = v6 ? "2001:2:0:1::13" : WEB2;
        List<ServiceEntry> rules = List.of(new ServiceEntry(1, svc, List.of(
            new RealServerEntry(3, masq(web2, SIP, 1)), new RealServerEntry(2, masq(web1, SIP, 1)))));
        TestDirector.Builder b = v6 ? TestDirector.ipv6(vip) : TestDirector.ipv4(vip);
        director = b.forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder()).entries(rules)
            .start(web1, TestDirector.WEB1_MAC, web2, TestDirector.WEB2_MAC);
        dataPlane = director.dataPlane();
    }

    private void start(int flags) {
        start(VIP, Protocol.UDP, flags, TableEntries.NETMASK_32);
    }

    private static UnsafeBuffer datagram(String client, int cport, String payload) {
        return datagram(client, VIP, cport, payload);
    }

    private static UnsafeBuffer datagram(String client, String vip, int cport, String payload) {
        return TestDirector.fromClient(client, vip).udp(cport, SIP).payload(payload).build();
    }

    /** Sends a client datagram; returns "web1", "web2" or "dropped". */
    private String send(UnsafeBuffer frame) {
        List<InMemoryPacketIo.Frame> out = director.send(TestDirector.D0, frame);
        if (out.isEmpty()) {
            return "dropped";
        }
        assertThat(out).hasSize(1);
        String dst = TestDirector.ipDestination(out.get(0));
        return dst.endsWith("::12") || dst.equals(WEB1) ? "web1" : dst.endsWith("::13") || dst.equals(WEB2) ? "web2"
            : "?";
    }

    /** The templates as "client:port -> destination:port pe data". */
    private List<String> templates() {
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : director.templates()) {
            lines.add(v.protocolName() + " " + v.stateName() + " " + v.clientAddress() + ":" + v.clientPort() + " "
                + v.virtualAddress() + ":" + v.virtualPort() + " " + v.destinationAddress() + ":"
                + v.destinationPort() + " " + v.persistenceEngine() + " " + v.peData());
        }
        return lines;
    }

    @Test
    void twoCallsOfOneClientAreScheduledApartAndEachCallSticksAcrossSourcePorts() {
        start(ServiceFlags.PERSISTENT);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.invite(CALL_A)))).isEqualTo("web2");
        // Plain -p would pin the client to web2; with the Call-ID in the key the second call is scheduled.
        assertThat(send(datagram(CLIENT, 5062, SipMessages.invite(CALL_B)))).isEqualTo("web1");
        // Each call's BYE (compact "i:" header, another source port) goes where its INVITE went.
        assertThat(send(datagram(CLIENT, 5064, SipMessages.bye(CALL_A)))).isEqualTo("web2");
        assertThat(send(datagram(CLIENT, 5066, SipMessages.bye(CALL_B)))).isEqualTo("web1");
        assertThat(templates()).containsExactlyInAnyOrder(
            "UDP NONE " + CLIENT + ":0 " + VIP + ":5060 " + WEB2 + ":5060 sip " + CALL_A,
            "UDP NONE " + CLIENT + ":0 " + VIP + ":5060 " + WEB1 + ":5060 sip " + CALL_B);
        // Connections carry no PE data: only templates show it (ip_vs_conn_new copies it to templates).
        assertThat(director.connections()).filteredOn(v -> v.clientPort() != 0).hasSize(4)
            .allMatch(v -> v.persistenceEngine().isEmpty() && v.peData().isEmpty());
        assertThat(dataPlane.stats().connectionCounts(3).persistent()).isEqualTo(1);
        assertThat(dataPlane.stats().connectionCounts(2).persistent()).isEqualTo(1);
    }

    @Test
    void theSameCallIdFromAnotherClientNetworkIsAnotherTemplate() {
        start(ServiceFlags.PERSISTENT);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.invite(CALL_A)))).isEqualTo("web2");
        assertThat(send(datagram(NEIGHBOUR, 5060, SipMessages.invite(CALL_A)))).isEqualTo("web1");
        assertThat(templates()).hasSize(2);
    }

    @Test
    void netmaskGroupsClientsOfOneNetworkForTheSameCall() {
        start(VIP, Protocol.UDP, ServiceFlags.PERSISTENT, 0xffffff00L);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.invite(CALL_A)))).isEqualTo("web2");
        assertThat(send(datagram(NEIGHBOUR, 5060, SipMessages.bye(CALL_A)))).isEqualTo("web2");
        assertThat(send(datagram(NEIGHBOUR, 5062, SipMessages.invite(CALL_B)))).isEqualTo("web1");
        assertThat(templates()).containsExactlyInAnyOrder(
            "UDP NONE 198.18.0.0:0 " + VIP + ":5060 " + WEB2 + ":5060 sip " + CALL_A,
            "UDP NONE 198.18.0.0:0 " + VIP + ":5060 " + WEB1 + ":5060 sip " + CALL_B);
    }

    @Test
    void withOnePacketSchedulingEveryDatagramOfOneSocketIsMatchedByItsCallId() {
        // The usual SIP set-up (-p -o --pe sip): one client socket, many calls.
        start(ServiceFlags.PERSISTENT | ServiceFlags.ONEPACKET);
        List<String> got = new ArrayList<>();
        got.add(send(datagram(CLIENT, 5060, SipMessages.invite(CALL_A))));
        got.add(send(datagram(CLIENT, 5060, SipMessages.invite(CALL_B))));
        got.add(send(datagram(CLIENT, 5060, SipMessages.bye(CALL_A))));
        got.add(send(datagram(CLIENT, 5060, SipMessages.bye(CALL_B))));
        assertThat(got).containsExactly("web2", "web1", "web2", "web1");
        assertThat(director.connections()).allMatch(v -> v.clientPort() == 0).hasSize(2); // templates only
    }

    @Test
    void aDatagramWithoutAUsableCallIdIsDroppedAndCountedAsTheKernelDropsIt() {
        start(ServiceFlags.PERSISTENT);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.request("OPTIONS", 1, "")))).isEqualTo("dropped");
        assertThat(send(datagram(CLIENT, 5060, SipMessages.request("OPTIONS", 1, "Call-ID: " + "x".repeat(256)))))
            .isEqualTo("dropped");
        assertThat(send(datagram(CLIENT, 5060, SipMessages.request("OPTIONS", 1, "Call-ID: abc;x")))).isEqualTo("dropped");
        assertThat(send(datagram(CLIENT, 5060, "")))
            .isEqualTo("dropped");
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_PE_DATA)).isEqualTo(4);
        assertThat(director.connections()).isEmpty();
        // The longest Call-ID the kernel keeps, 255 bytes, is kept whole.
        String longest = "y".repeat(255);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.request("OPTIONS", 1, "i:" + longest))))
            .isEqualTo("web2");
        assertThat(director.templates()).singleElement().extracting(ConnectionView::peData).isEqualTo(longest);
    }

    @Test
    void aTcpServiceWithPeSipSchedulesNothingAsInTheKernel() {
        // ip_vs_sip_fill_param: "Only useful with UDP"; its -EINVAL makes ip_vs_sched_persist drop.
        start(VIP, Protocol.TCP, ServiceFlags.PERSISTENT, TableEntries.NETMASK_32);
        assertThat(send(TestDirector.fromClient(CLIENT, VIP).tcp(40000, SIP).flags(TcpHeader.SYN).build()))
            .isEqualTo("dropped");
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_PE_DATA)).isEqualTo(1);
    }

    @Test
    void withoutPersistenceThePersistenceEngineIsNotUsed() {
        start(0);
        assertThat(send(datagram(CLIENT, 5060, SipMessages.request("OPTIONS", 1, "")))).isEqualTo("web2");
        assertThat(send(datagram(CLIENT, 5062, SipMessages.invite(CALL_A)))).isEqualTo("web1");
        assertThat(director.templates()).isEmpty();
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_PE_DATA)).isZero();
    }

    @Test
    void inviteIsForwardedByteForByteWithOnlyTheNatRewrite() {
        start(ServiceFlags.PERSISTENT);
        String invite = SipMessages.invite(CALL_A);
        List<InMemoryPacketIo.Frame> out = director.send(TestDirector.D0, datagram(CLIENT, 5060, invite));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).ifIndex()).isEqualTo(TestDirector.D1);
        assertFrameEquals(PacketBuilder.frame().eth(TestDirector.D1_MAC, TestDirector.WEB2_MAC).ipv4(CLIENT, WEB2)
            .ttl(63).udp(5060, SIP).payload(invite).build(), out.get(0).buffer());
        // The real server's answer leaves as the VIP, unchanged otherwise.
        director.learn(CLIENT, TestDirector.CLIENT_MAC);
        String ok = "SIP/2.0 200 OK\r\nCall-ID: " + CALL_A + "\r\nContent-Length: 0\r\n\r\n";
        out = director.send(TestDirector.D1, PacketBuilder.frame().eth(TestDirector.WEB2_MAC, TestDirector.D1_MAC)
            .ipv4(WEB2, CLIENT).udp(SIP, 5060).payload(ok).build());
        assertThat(out).hasSize(1);
        assertFrameEquals(PacketBuilder.frame().eth(TestDirector.D0_MAC, TestDirector.CLIENT_MAC).ipv4(VIP, CLIENT)
            .ttl(63).udp(SIP, 5060).payload(ok).build(), out.get(0).buffer());
    }

    @Test
    void ipv6CallsAreKeyedTheSameWay() {
        String vip = "2001:2::11";
        start(vip, Protocol.UDP, ServiceFlags.PERSISTENT, 128);
        assertThat(send(datagram("2001:2::10", vip, 5060, SipMessages.invite(CALL_A)))).isEqualTo("web2");
        assertThat(send(datagram("2001:2::10", vip, 5062, SipMessages.invite(CALL_B)))).isEqualTo("web1");
        assertThat(send(datagram("2001:2::10", vip, 5064, SipMessages.bye(CALL_A)))).isEqualTo("web2");
        assertThat(director.templates()).extracting(ConnectionView::peData).containsExactlyInAnyOrder(CALL_A, CALL_B);
    }
}
