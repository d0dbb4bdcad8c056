package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TestDirector.CLIENT_MAC;
import static lvs.fixtures.dataplane.TestDirector.D0;
import static lvs.fixtures.dataplane.TestDirector.D0_MAC;
import static lvs.fixtures.dataplane.TestDirector.D1;
import static lvs.fixtures.dataplane.TestDirector.D1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB2_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.DamagedFrameFuzz;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.packet.ArpPacket;
import lvs.packet.Icmpv6Header;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.junit.jupiter.api.Test;

/**
 * Damaged frames of every kind the NAT director handles, IPv4 and IPv6 (client SYNs and data, real
 * servers' replies, UDP both ways, echo requests and ICMP errors about a connection, ARP and neighbour
 * solicitations, VLAN tags, IP options, GSO and CHECKSUM_PARTIAL frames), through the real pipeline
 * ({@link DamagedFrameFuzz}): nothing throws, everything sent is a well-formed packet, valid connections
 * interleaved with the damage still go through, and what was malformed is counted under many reasons.
 * The random seeds are fixed, so a failure names its iteration and frame, and repeats.
 */
class MutatedFrameFuzzTest {
    private static final int ITERATIONS = 30_000;

    private static List<ServiceEntry> rules(String vip, String web1, String web2) {
        return List.of(
            new ServiceEntry(1, TableEntries.service(Protocol.TCP, vip, 80, "wrr"), List.of(
                new RealServerEntry(3, TableEntries.masq(web2, 8080, 2)),
                new RealServerEntry(2, TableEntries.masq(web1, 8080, 1)))),
            new ServiceEntry(4, TableEntries.service(Protocol.UDP, vip, 53, "rr"), List.of(
                new RealServerEntry(5, TableEntries.masq(web1, 53, 1)))));
    }

    @Test
    void ipv4DamageNeverThrowsNeverComesOutMalformedAndNeverStopsTheForwarding() {
        String client = "198.18.0.10";
        String vip = "198.18.0.11";
        String web1 = "198.18.1.12";
        String web2 = "198.18.1.13";
        TestDirector director = TestDirector.ipv4(vip).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(rules(vip, web1, web2)).start(client, CLIENT_MAC, web1, WEB1_MAC, web2, WEB2_MAC);
        DamagedFrameFuzz fuzz = withConnectionsAndCommonSeeds(director, client, vip, web1, web2);
        fuzz.seed("client data, VLAN", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).vlan(7).ipv4(client, vip)
            .tcp(40000, 80).flags(TcpHeader.ACK).payload("x"));
        fuzz.seed("client SYN, IP options", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(client, vip)
            .ipOptions(new byte[] {7, 7, 4, 0, 0, 0, 0, 0}).tcp(40002, 80).flags(TcpHeader.SYN));
        fuzz.seed("client fragment", D0, TestDirector.fromClient(client, vip).udp(40053, 53).fragmentWord(0x2000)
            .payload("frag"));
        fuzz.seed("ARP for the VIP", D0, PacketBuilder.frame().eth(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, Addresses.mac(CLIENT_MAC), client, 0L, vip));
        // ICMP errors about the connection: from the client about a reply from the VIP, and from web2 about
        // a packet the director sent it (fragmentation needed, with the next-hop MTU)
        fuzz.seed("client ICMP unreachable", D0, TestDirector.fromClient(client, vip).icmp(3, 3, 0).payloadFromIp(
            PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ip(vip, client).tcp(80, 40000).flags(TcpHeader.ACK)
                .payloadOfLength(1400).build(), 28));
        fuzz.seed("web2 ICMP frag needed", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ip(web2, client)
            .icmp(3, 4, 1200).payloadFromIp(PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ip(client, web2)
                .tcp(40000, 8080).flags(TcpHeader.ACK).payloadOfLength(1400).build(), 28));

        assertThat(fuzz.sendUndamaged()).isGreaterThanOrEqualTo(10);
        assertThat(director.dataPlane().events().get(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT)).isEqualTo(1);
        DamagedFrameFuzz.Outcome outcome = fuzz.run(0x4c56_5344L, ITERATIONS,
            port -> TestDirector.fromClient(client, vip).tcp(port, 80).flags(TcpHeader.SYN).build(), D0, D1);
        // the damage was not all dropped at the door: much was forwarded (and checked); the rest was counted
        assertThat(outcome.framesSent()).isGreaterThan(ITERATIONS / 10);
        assertThat(outcome.malformedReasons()).as(director.dataPlane().events().toString()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void ipv6DamageNeverThrowsNeverComesOutMalformedAndNeverStopsTheForwarding() {
        String client = "2001:2::10";
        String vip = "2001:2::11";
        String web1 = "2001:2:0:1::12";
        String web2 = "2001:2:0:1::13";
        TestDirector director = TestDirector.ipv6(vip).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(rules(vip, web1, web2)).start(client, CLIENT_MAC, web1, WEB1_MAC, web2, WEB2_MAC);
        DamagedFrameFuzz fuzz = withConnectionsAndCommonSeeds(director, client, vip, web1, web2);
        fuzz.seed("client packet too big", D0, TestDirector.fromClient(client, vip).icmp(2, 0, 1280).payloadFromIp(
            PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ip(vip, client).tcp(80, 40000).flags(TcpHeader.ACK)
                .payloadOfLength(1400).build(), 48));
        fuzz.seed("web2 unreachable", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ip(web2, client)
            .icmp(1, 4, 0).payloadFromIp(PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ip(client, web2)
                .tcp(40000, 8080).flags(TcpHeader.ACK).payloadOfLength(100).build(), 48));
        long[] target = Addresses.ipv6("2001:2::100");
        long mac = Addresses.mac(CLIENT_MAC);
        fuzz.seed("neighbour solicitation", D0, PacketBuilder.frame().eth(CLIENT_MAC, "33:33:ff:00:01:00")
            .ipv6(client, "ff02::1:ff00:100").ttl(255).icmp(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0)
            .payload(ByteBuffer.allocate(24).putLong(target[0]).putLong(target[1]).put((byte) 1).put((byte) 1)
                .putShort((short) (mac >>> 32)).putInt((int) mac).array()));

        assertThat(fuzz.sendUndamaged()).isGreaterThanOrEqualTo(8);
        DamagedFrameFuzz.Outcome outcome = fuzz.run(0x4c56_5336L, ITERATIONS,
            port -> TestDirector.fromClient(client, vip).tcp(port, 80).flags(TcpHeader.SYN).build(), D0, D1);
        assertThat(outcome.framesSent()).isGreaterThan(ITERATIONS / 10);
        assertThat(outcome.malformedReasons()).as(director.dataPlane().events().toString()).isGreaterThanOrEqualTo(5);
    }

    /**
     * Opens the connections the replies and ICMP errors belong to (client port 40000 to web2, wrr's first
     * pick; UDP 40053 to web1) and seeds the frames both families share: client traffic to the VIP and
     * the real servers' replies.
     */
    private static DamagedFrameFuzz withConnectionsAndCommonSeeds(TestDirector director, String client, String vip,
                                                                  String web1, String web2) {
        assertThat(director.send(D0, TestDirector.fromClient(client, vip).tcp(40000, 80).flags(TcpHeader.SYN).build()))
            .hasSize(1);
        assertThat(director.send(D0, TestDirector.fromClient(client, vip).udp(40053, 53).build())).hasSize(1);
        DamagedFrameFuzz fuzz = new DamagedFrameFuzz(director);
        fuzz.seed("client SYN", D0, TestDirector.fromClient(client, vip).tcp(40001, 80).flags(TcpHeader.SYN));
        fuzz.seed("client data", D0, TestDirector.fromClient(client, vip).tcp(40000, 80)
            .flags(TcpHeader.ACK | TcpHeader.PSH).payload("GET / HTTP/1.0\r\n\r\n"));
        fuzz.seed("client FIN", D0, TestDirector.fromClient(client, vip).tcp(40000, 80)
            .flags(TcpHeader.FIN | TcpHeader.ACK));
        fuzz.seed("client RST", D0, TestDirector.fromClient(client, vip).tcp(40000, 80).flags(TcpHeader.RST));
        fuzz.seed("client UDP", D0, TestDirector.fromClient(client, vip).udp(40053, 53).payload("query"));
        fuzz.seed("client TTL 1", D0, TestDirector.fromClient(client, vip).tcp(40000, 80).flags(TcpHeader.ACK).ttl(1));
        fuzz.seed("client GSO", D0, TestDirector.fromClient(client, vip).tcp(40000, 80).flags(TcpHeader.ACK)
            .payloadOfLength(4000).gso(1448));
        fuzz.seed("client partial checksum", D0, TestDirector.fromClient(client, vip).udp(40053, 53)
            .payload("partial").partialChecksum());
        fuzz.seed("echo request", D0, TestDirector.fromClient(client, vip).icmp(vip.contains(":") ? 128 : 8, 0,
            0x1234_0001).payload("ping"));
        fuzz.seed("web2 SYN-ACK", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ip(web2, client).tcp(8080, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK));
        fuzz.seed("web2 data", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ip(web2, client).tcp(8080, 40000)
            .flags(TcpHeader.ACK).payload("HTTP/1.0 200 OK\r\n\r\n"));
        fuzz.seed("web1 UDP reply", D1, PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ip(web1, client).udp(53, 40053)
            .payload("answer"));
        fuzz.seed("web1 stray reply", D1, PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ip(web1, client)
            .tcp(8080, 45000).flags(TcpHeader.ACK));
        return fuzz;
    }
}
