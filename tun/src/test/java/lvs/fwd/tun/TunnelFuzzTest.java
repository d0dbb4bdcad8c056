package lvs.fwd.tun;

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
import lvs.model.RealServerSpec;
import lvs.model.TunnelType;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.junit.jupiter.api.Test;

/**
 * Damaged client frames through the TUN director's real pipeline ({@link DamagedFrameFuzz}), one real
 * server per encapsulation (IP-in-IP, GUE with outer UDP checksum, GRE): nothing throws, every outer
 * packet is well formed (header checksum, lengths, the GUE checksum of what it carries), big packets get
 * a well-formed ICMP fragmentation needed, and valid connections still go through.
 */
class TunnelFuzzTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.254";

    private static RealServerSpec tunnel(String rip, TunnelType type, int port, int flags) {
        return new RealServerSpec(TableEntries.address(rip), 80, ForwardingMethod.TUNNEL, 1, 0, 0, type, port, flags);
    }

    @Test
    void damagedFramesNeverThrowNeverComeOutMalformedAndNeverStopTheForwarding() {
        List<ServiceEntry> rules = List.of(
            new ServiceEntry(1, TableEntries.service(Protocol.TCP, VIP, 80, "rr"), List.of(
                new RealServerEntry(4, tunnel("198.18.1.14", TunnelType.GRE, 0, RealServerSpec.TUNNEL_FLAG_CSUM)),
                new RealServerEntry(3, tunnel("198.18.1.13", TunnelType.GUE, 6080, RealServerSpec.TUNNEL_FLAG_CSUM)),
                new RealServerEntry(2, tunnel("198.18.1.12", TunnelType.IPIP, 0, 0)))),
            new ServiceEntry(5, TableEntries.service(Protocol.UDP, VIP, 53, "rr"), List.of(
                new RealServerEntry(6, tunnel("198.18.1.12", TunnelType.IPIP, 0, 0)))));
        TestDirector director = TestDirector.ipv4("198.18.0.11", VIP)
            .forwarder(ForwardingMethod.TUNNEL, new TunnelForwarder(new GueSourcePort(32768, 60999), 42, () -> 0L))
            .entries(rules)
            .start(CLIENT, CLIENT_MAC, "198.18.1.12", WEB1_MAC, "198.18.1.13", WEB2_MAC, "198.18.1.14", WEB2_MAC);
        DamagedFrameFuzz fuzz = new DamagedFrameFuzz(director);
        for (int port = 40000; port < 40003; port++) { // one connection per encapsulation
            fuzz.seed("client SYN " + port, D0, TestDirector.fromClient(CLIENT, VIP).tcp(port, 80).flags(TcpHeader.SYN));
            fuzz.seed("client data " + port, D0, TestDirector.fromClient(CLIENT, VIP).tcp(port, 80)
                .flags(TcpHeader.ACK).payload("GET / HTTP/1.0\r\n\r\n"));
            fuzz.seed("client big DF " + port, D0, TestDirector.fromClient(CLIENT, VIP).fragmentWord(0x4000)
                .tcp(port, 80).flags(TcpHeader.ACK).payloadOfLength(1460));
            fuzz.seed("client GSO " + port, D0, TestDirector.fromClient(CLIENT, VIP).tcp(port, 80)
                .flags(TcpHeader.ACK).payloadOfLength(4000).gso(1448));
        }
        fuzz.seed("client UDP", D0, TestDirector.fromClient(CLIENT, VIP).udp(40053, 53).payload("query"))
            .seed("client TTL 1", D0, TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.ACK).ttl(1))
            .seed("client data, VLAN", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).vlan(7).ipv4(CLIENT, VIP)
                .tcp(40000, 80).flags(TcpHeader.ACK))
            .seed("client partial checksum", D0, TestDirector.fromClient(CLIENT, VIP).udp(40053, 53).payload("p")
                .partialChecksum());
        assertThat(fuzz.sendUndamaged()).isGreaterThanOrEqualTo(10);
        DamagedFrameFuzz.Outcome outcome = fuzz.run(0x4c56_54554eL, 20_000,
            port -> TestDirector.fromClient(CLIENT, VIP).tcp(port, 80).flags(TcpHeader.SYN).build(), D0, D1);
        assertThat(outcome.framesSent()).isGreaterThan(2_000);
        assertThat(outcome.malformedReasons()).isGreaterThanOrEqualTo(6);
    }
}
