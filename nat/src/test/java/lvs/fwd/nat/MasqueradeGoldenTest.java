package lvs.fwd.nat;

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
 * Masquerading, frame in → frame out, byte for byte (a hex diff on failure): every rewrite the
 * forwarder makes, with its checksums. The seed's addresses: client 198.18.0.10, VIP 198.18.0.11:80,
 * real servers 198.18.1.12 / .13. Ethernet is the data plane's job, so the MACs stay as they came.
 */
class MasqueradeGoldenTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String RIP = "198.18.1.13";
    private static final int CPORT = 40000;

    private final MasqueradeForwarder nat = new MasqueradeForwarder();
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();

    private static PacketBuilder fromClient() {
        return PacketBuilder.frame().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b");
    }

    private FlowKey parse(UnsafeBuffer frame) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        return key;
    }

    private int toRealServer(UnsafeBuffer frame, String rip, int rport, long offload) {
        return nat.toRealServer(frame, parse(frame), Addresses.ipv4(rip), rport, Addresses.ipv4(VIP), 80,
            Offload.needsChecksum(offload));
    }

    private int toClient(UnsafeBuffer frame, String rip, int rport, long offload) {
        return nat.toClient(frame, parse(frame), Addresses.ipv4(rip), rport, Addresses.ipv4(VIP), 80,
            Offload.needsChecksum(offload));
    }

    @Test
    void tcpSynToVipGoesToRealServerWithTtlDecremented() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(64).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, RIP).ttl(63).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        assertThat(toRealServer(in, RIP, 80, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void portMappingVip80ToRealServer8080() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).tcp(CPORT, 80).payload("GET / HTTP/1.1\r\n\r\n").build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, RIP).ttl(63).tcp(CPORT, 8080)
            .payload("GET / HTTP/1.1\r\n\r\n").build();
        assertThat(toRealServer(in, RIP, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void replyFromRealServerLeavesAsVip() {
        UnsafeBuffer in = fromClient().ipv4(RIP, CLIENT).tcp(8080, CPORT).flags(TcpHeader.SYN | TcpHeader.ACK)
            .payload("HTTP/1.1 200 OK\r\n").build();
        UnsafeBuffer expected = fromClient().ipv4(VIP, CLIENT).ttl(63).tcp(80, CPORT)
            .flags(TcpHeader.SYN | TcpHeader.ACK).payload("HTTP/1.1 200 OK\r\n").build();
        assertThat(toClient(in, RIP, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpWithChecksumIsUpdatedIncrementally() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).udp(CPORT, 53).payload("query").build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, RIP).ttl(63).udp(CPORT, 5353).payload("query").build();
        assertThat(toRealServer(in, RIP, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpWithoutChecksumLeavesWithAComputedOne() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).udp(CPORT, 53).payload("query").l4Checksum(0).build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, RIP).ttl(63).udp(CPORT, 53).payload("query").build();
        assertThat(toRealServer(in, RIP, 53, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpReplyWithoutChecksumIsComputedToo() {
        UnsafeBuffer in = fromClient().ipv4(RIP, CLIENT).udp(5353, CPORT).payload("answer").l4Checksum(0).build();
        UnsafeBuffer expected = fromClient().ipv4(VIP, CLIENT).ttl(63).udp(80, CPORT).payload("answer").build();
        assertThat(toClient(in, RIP, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void checksumPartialFrameKeepsAPseudoHeaderSumForTheNewAddresses() {
        PacketBuilder request = fromClient().ipv4(CLIENT, VIP).tcp(CPORT, 80).payloadOfLength(3000).gso(1448);
        UnsafeBuffer in = request.build();
        UnsafeBuffer expected = fromClient().ipv4(CLIENT, RIP).ttl(63).tcp(CPORT, 8080).payloadOfLength(3000)
            .gso(1448).build();
        assertThat(toRealServer(in, RIP, 8080, request.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void checksumPartialReply() {
        PacketBuilder reply = fromClient().ipv4(RIP, CLIENT).udp(5353, CPORT).payload("answer").partialChecksum();
        UnsafeBuffer in = reply.build();
        UnsafeBuffer expected = fromClient().ipv4(VIP, CLIENT).ttl(63).udp(80, CPORT).payload("answer")
            .partialChecksum().build();
        assertThat(toClient(in, RIP, 5353, reply.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void ttlOneIsDroppedAndLeftUntouched() {
        UnsafeBuffer in = fromClient().ipv4(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        UnsafeBuffer unchanged = fromClient().ipv4(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        assertThat(toRealServer(in, RIP, 80, Offload.NONE)).isEqualTo(Forwarder.DROP_TTL_EXPIRED);
        assertFrameEquals(unchanged, in);
    }

    @Test
    void icmpErrorFromRealServerAboutAClientPacketLooksLikeItCameFromTheVip() {
        // web2 refuses the client's datagram that we had sent on as CLIENT:40000 -> RIP:5353.
        UnsafeBuffer quoted = fromClient().ipv4(CLIENT, RIP).ttl(63).udp(CPORT, 5353).payload("query").build();
        UnsafeBuffer in = fromClient().ipv4(RIP, CLIENT)
            .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payloadFromIp(quoted, 28 + 5).build();
        // The client must see an error about what it sent: CLIENT:40000 -> VIP:80. The quoted UDP
        // checksum is not touched (the kernel leaves it too).
        int quotedChecksum = quoted.getShort(14 + 20 + 6, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff;
        UnsafeBuffer asClientSent = fromClient().ipv4(CLIENT, VIP).ttl(63).udp(CPORT, 80).payload("query")
            .l4Checksum(quotedChecksum).build();
        UnsafeBuffer expected = fromClient().ipv4(VIP, CLIENT).ttl(63)
            .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payloadFromIp(asClientSent, 28 + 5).build();
        assertThat(toClient(in, RIP, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void icmpErrorAboutOurReplyGoesToTheRealServer() {
        // A router between us and the client could not deliver our reply VIP:80 -> CLIENT:40000.
        UnsafeBuffer quoted = fromClient().ipv4(VIP, CLIENT).ttl(1).tcp(80, CPORT).flags(TcpHeader.ACK).build();
        UnsafeBuffer in = fromClient().ipv4("198.18.0.1", VIP)
            .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0).payloadFromIp(quoted, 28).build();
        int quotedChecksum = quoted.getShort(14 + 20 + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff;
        UnsafeBuffer asServerSent = fromClient().ipv4(RIP, CLIENT).ttl(1).tcp(8080, CPORT).flags(TcpHeader.ACK)
            .l4Checksum(quotedChecksum).build();
        UnsafeBuffer expected = fromClient().ipv4("198.18.0.1", RIP).ttl(63)
            .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0).payloadFromIp(asServerSent, 28).build();
        assertThat(toRealServer(in, RIP, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }
}
