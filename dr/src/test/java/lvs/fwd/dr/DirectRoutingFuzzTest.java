package lvs.fwd.dr;

import static lvs.fixtures.dataplane.TestDirector.CLIENT_MAC;
import static lvs.fixtures.dataplane.TestDirector.D0;
import static lvs.fixtures.dataplane.TestDirector.D0_MAC;
import static lvs.fixtures.dataplane.TestDirector.D1;
import static lvs.fixtures.dataplane.TestDirector.WEB1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB2_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.fixtures.dataplane.DamagedFrameFuzz;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.junit.jupiter.api.Test;

/**
 * Damaged client frames (TCP, UDP, VLAN, TTL 1, GSO, partial checksums, ICMP) through the DR director's
 * real pipeline ({@link DamagedFrameFuzz}): nothing throws, everything sent is a well-formed packet (DR
 * changes only MACs, TTL and the header checksum, so a good TCP/UDP checksum stays good), and valid
 * connections interleaved with the damage still go through.
 */
class DirectRoutingFuzzTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.254";

    @Test
    void damagedFramesNeverThrowNeverComeOutMalformedAndNeverStopTheForwarding() {
        List<ServiceEntry> rules = List.of(
            new ServiceEntry(1, TableEntries.service(Protocol.TCP, VIP, 80, "rr"), List.of(
                new RealServerEntry(3, TableEntries.realServer("198.18.1.13", 80, ForwardingMethod.ROUTE, 1)),
                new RealServerEntry(2, TableEntries.realServer("198.18.1.12", 80, ForwardingMethod.ROUTE, 1)))),
            new ServiceEntry(4, TableEntries.service(Protocol.UDP, VIP, 53, "rr"), List.of(
                new RealServerEntry(5, TableEntries.realServer("198.18.1.12", 53, ForwardingMethod.ROUTE, 1)))));
        TestDirector director = TestDirector.ipv4("198.18.0.11", VIP)
            .forwarder(ForwardingMethod.ROUTE, new DirectRoutingForwarder()).entries(rules)
            .start(CLIENT, CLIENT_MAC, "198.18.1.12", WEB1_MAC, "198.18.1.13", WEB2_MAC);
        DamagedFrameFuzz fuzz = new DamagedFrameFuzz(director)
            .seed("client SYN", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.SYN))
            .seed("client data", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.ACK)
                .payload("GET / HTTP/1.0\r\n\r\n"))
            .seed("client FIN", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80)
                .flags(TcpHeader.FIN | TcpHeader.ACK))
            .seed("client UDP", D0, TestDirector.fromClient(CLIENT, VIP).udp(40053, 53).payload("query"))
            .seed("client TTL 1", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.ACK).ttl(1))
            .seed("client data, VLAN", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).vlan(7).ipv4(CLIENT, VIP)
                .tcp(40000, 80).flags(TcpHeader.ACK))
            .seed("client GSO", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.ACK)
                .payloadOfLength(4000).gso(1448))
            .seed("client partial checksum", D0, TestDirector.fromClient(CLIENT, VIP).udp(40053, 53).payload("p")
                .partialChecksum())
            .seed("echo request", D0, TestDirector.fromClient(CLIENT, VIP).icmp(8, 0, 1).payload("ping"))
            .seed("client ICMP unreachable", D0, TestDirector.fromClient(CLIENT, VIP).icmp(3, 3, 0).payloadFromIp(
                PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).tcp(80, 40000).flags(TcpHeader.ACK)
                    .build(), 28));
        assertThat(fuzz.sendUndamaged()).isGreaterThanOrEqualTo(6);
        DamagedFrameFuzz.Outcome outcome = fuzz.run(0x4c56_4452L, 20_000,
            port -> TestDirector.fromClient(CLIENT, VIP).tcp(port, 80).flags(TcpHeader.SYN).build(), D0, D1);
        assertThat(outcome.framesSent()).isGreaterThan(2_000);
        assertThat(outcome.malformedReasons()).isGreaterThanOrEqualTo(6);
    }
}
