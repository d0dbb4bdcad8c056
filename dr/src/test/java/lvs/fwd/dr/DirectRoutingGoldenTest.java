package lvs.fwd.dr;

import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import lvs.dataplane.Forwarder;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.Offload;
import lvs.packet.FlowKey;
import lvs.packet.IcmpHeader;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Direct routing, frame in → frame out, byte for byte (a hex diff on failure): only the TTL and the IP
 * header checksum may change (kernel §5.3); the VIP stays the destination, ports and transport
 * checksums stay as they came, offloaded frames stay valid for their metadata. The seed-003 cluster
 * moved into 198.18.0.0/15: client 198.18.0.10, VIP 198.18.0.254:80, real server 198.18.1.13.
 * Ethernet is the data plane's job (see {@link DirectRoutingDataPlaneTest}), so MACs stay as they came.
 */
class DirectRoutingGoldenTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.254";
    private static final String RIP = "198.18.1.13";
    private static final int CPORT = 40000;

    private final DirectRoutingForwarder dr = new DirectRoutingForwarder();
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();

    private static PacketBuilder fromClient() {
        return PacketBuilder.frame().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b");
    }

    private int toRealServer(UnsafeBuffer frame, long offload) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        return dr.toRealServer(frame, key, Addresses.ipv4(RIP), 80, Addresses.ipv4(VIP), 80,
            Offload.needsChecksum(offload));
    }

    @Test
    void synKeepsTheVipAndPortsAndLosesOneTtl() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(64).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(63).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void requestWithPayloadIsUntouchedAboveIp() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(128).tos(0x2e << 2).ipId(0xbeef).tcp(CPORT, 80)
            .flags(TcpHeader.ACK | TcpHeader.PSH).payload("GET / HTTP/1.1\r\nHost: lvs\r\n\r\n").build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(127).tos(0x2e << 2).ipId(0xbeef).tcp(CPORT, 80)
            .flags(TcpHeader.ACK | TcpHeader.PSH).payload("GET / HTTP/1.1\r\nHost: lvs\r\n\r\n").build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpWithoutChecksumStaysWithoutOne() {
        // NAT must compute one (it rewrites the pseudo-header); DR changes nothing it covers.
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).udp(CPORT, 53).payload("query").l4Checksum(0).build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(63).udp(CPORT, 53).payload("query")
            .l4Checksum(0).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void ipOptionsAreKeptAndTheLongerHeaderChecksumIsRight() {
        byte[] routerAlert = {(byte) 0x94, 4, 0, 0};
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ipOptions(routerAlert).udp(CPORT, 53).payload("q").build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ipOptions(routerAlert).ttl(63).udp(CPORT, 53)
            .payload("q").build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void tcpGsoSuperFrameKeepsItsPartialChecksumUntouched() {
        // The pseudo-header has no TTL: the partial sum is still right for the kernel to finish.
        PacketBuilder request = fromClient().ipv4(CLIENT, VIP).tcp(CPORT, 80).payloadOfLength(30_000).gso(1448);
        UnsafeBuffer in = request.build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(63).tcp(CPORT, 80).payloadOfLength(30_000)
            .gso(1448).build();
        assertThat(Offload.isGso(request.offload())).isTrue();
        assertThat(toRealServer(in, request.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpPartialChecksumIsUntouched() {
        PacketBuilder request = fromClient().ipv4(CLIENT, VIP).udp(CPORT, 53).payload("query").partialChecksum();
        UnsafeBuffer in = request.build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(63).udp(CPORT, 53).payload("query")
            .partialChecksum().build();
        assertThat(toRealServer(in, request.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void ttlTwoLeavesWithOne() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(2).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void ttlOneIsDroppedAndLeftUntouched() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        UnsafeBuffer unchanged = fromClient().ipv4(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.DROP_TTL_EXPIRED);
        assertFrameEquals(unchanged, in);
    }

    @Test
    void ttlZeroIsDroppedToo() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(0).udp(CPORT, 53).payload("q").build();
        UnsafeBuffer unchanged = fromClient().ipv4(CLIENT, VIP).ttl(0).udp(CPORT, 53).payload("q").build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.DROP_TTL_EXPIRED);
        assertFrameEquals(unchanged, in);
    }

    @Test
    void icmpErrorAboutTheRealServersReplyGoesOnUnchanged() {
        // A router could not deliver the real server's reply VIP:80 -> CLIENT:40000; for a non-NAT
        // connection the kernel forwards the error as it is (§5.6), only routed.
        UnsafeBuffer quoted = fromClient().ipv4(VIP, CLIENT).ttl(1).tcp(80, CPORT).flags(TcpHeader.ACK).build();
        UnsafeBuffer in = fromClient().ipv4("198.18.0.1", VIP)
            .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0).payloadFromIp(quoted, 28).build();
        UnsafeBuffer expected = fromClient().ipv4("198.18.0.1", VIP).ttl(63)
            .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0).payloadFromIp(quoted, 28).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void aReplyHandedToUsIsRefused() {
        UnsafeBuffer in = fromClient().ipv4(VIP, CLIENT).tcp(80, CPORT).build();
        parser.classify(in, 0, in.capacity(), key);
        assertThat(dr.toClient(in, key, Addresses.ipv4(RIP), 80, Addresses.ipv4(VIP), 80, false))
            .isEqualTo(Forwarder.DROP_UNSUPPORTED);
    }
}
