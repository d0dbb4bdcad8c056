package lvs.fwd.nat;

import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import lvs.dataplane.Forwarder;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.Offload;
import lvs.packet.FlowKey;
import lvs.packet.Icmpv6Header;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * IPv6 masquerading, frame in → frame out, byte for byte: 128-bit DNAT/SNAT with incremental
 * transport checksums, hop limit, partial checksums, ICMPv6 errors (whose checksum covers the
 * pseudo-header). Addresses in the benchmarking prefix 2001:2::/48: client 2001:2::10, VIP
 * [2001:2::11]:80, real server 2001:2:0:1::13.
 */
class Masquerade6GoldenTest {
    private static final String CLIENT = "2001:2::10";
    private static final String VIP = "2001:2::11";
    private static final String RIP = "2001:2:0:1::13";
    private static final String ROUTER = "2001:2::1";
    private static final int CPORT = 40000;
    private static final int ETH = 14;
    private static final int IP6 = 40;

    private final MasqueradeForwarder nat = new MasqueradeForwarder();
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();

    private static PacketBuilder frame() {
        return PacketBuilder.frame().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b");
    }

    private FlowKey parse(UnsafeBuffer frame) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        return key;
    }

    private int toRealServer(UnsafeBuffer frame, int rport, long offload) {
        long[] rip = Addresses.ipv6(RIP);
        long[] vip = Addresses.ipv6(VIP);
        return nat.toRealServer6(frame, parse(frame), rip[0], rip[1], rport, vip[0], vip[1], 80,
            Offload.needsChecksum(offload));
    }

    private int toClient(UnsafeBuffer frame, int rport, long offload) {
        long[] rip = Addresses.ipv6(RIP);
        long[] vip = Addresses.ipv6(VIP);
        return nat.toClient6(frame, parse(frame), rip[0], rip[1], rport, vip[0], vip[1], 80,
            Offload.needsChecksum(offload));
    }

    @Test
    void tcpSynToVipGoesToRealServerWithHopLimitDecremented() {
        UnsafeBuffer in = frame().ipv6(CLIENT, VIP).ttl(64).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        UnsafeBuffer expected = frame().ipv6(CLIENT, RIP).ttl(63).tcp(CPORT, 80).flags(TcpHeader.SYN).seq(7).build();
        assertThat(toRealServer(in, 80, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void portMappingVip80ToRealServer8080() {
        UnsafeBuffer in = frame().ipv6(CLIENT, VIP).tcp(CPORT, 80).payload("GET / HTTP/1.1\r\n\r\n").build();
        UnsafeBuffer expected = frame().ipv6(CLIENT, RIP).ttl(63).tcp(CPORT, 8080)
            .payload("GET / HTTP/1.1\r\n\r\n").build();
        assertThat(toRealServer(in, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void replyFromRealServerLeavesAsVip() {
        UnsafeBuffer in = frame().ipv6(RIP, CLIENT).tcp(8080, CPORT).flags(TcpHeader.SYN | TcpHeader.ACK)
            .payload("HTTP/1.1 200 OK\r\n").build();
        UnsafeBuffer expected = frame().ipv6(VIP, CLIENT).ttl(63).tcp(80, CPORT)
            .flags(TcpHeader.SYN | TcpHeader.ACK).payload("HTTP/1.1 200 OK\r\n").build();
        assertThat(toClient(in, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpChecksumIsUpdatedIncrementally() {
        UnsafeBuffer in = frame().ipv6(CLIENT, VIP).udp(CPORT, 53).payload("query").build();
        UnsafeBuffer expected = frame().ipv6(CLIENT, RIP).ttl(63).udp(CPORT, 5353).payload("query").build();
        assertThat(toRealServer(in, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void udpWithoutChecksumLeavesWithARealOne() {
        UnsafeBuffer in = frame().ipv6(RIP, CLIENT).udp(5353, CPORT).payload("answer").l4Checksum(0).build();
        UnsafeBuffer expected = frame().ipv6(VIP, CLIENT).ttl(63).udp(80, CPORT).payload("answer").build();
        assertThat(toClient(in, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void checksumPartialGsoFrameKeepsAPseudoHeaderSumForTheNewAddress() {
        PacketBuilder request = frame().ipv6(CLIENT, VIP).tcp(CPORT, 80).payloadOfLength(3000).gso(1428);
        UnsafeBuffer in = request.build();
        UnsafeBuffer expected = frame().ipv6(CLIENT, RIP).ttl(63).tcp(CPORT, 8080).payloadOfLength(3000)
            .gso(1428).build();
        assertThat(toRealServer(in, 8080, request.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void checksumPartialReply() {
        PacketBuilder reply = frame().ipv6(RIP, CLIENT).udp(5353, CPORT).payload("answer").partialChecksum();
        UnsafeBuffer in = reply.build();
        UnsafeBuffer expected = frame().ipv6(VIP, CLIENT).ttl(63).udp(80, CPORT).payload("answer")
            .partialChecksum().build();
        assertThat(toClient(in, 5353, reply.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void hopLimitOneIsDroppedAndLeftUntouched() {
        UnsafeBuffer in = frame().ipv6(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        UnsafeBuffer unchanged = frame().ipv6(CLIENT, VIP).ttl(1).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        assertThat(toRealServer(in, 80, Offload.NONE)).isEqualTo(Forwarder.DROP_TTL_EXPIRED);
        assertFrameEquals(unchanged, in);
    }

    @Test
    void hopLimitTwoStillGoesThrough() {
        UnsafeBuffer in = frame().ipv6(RIP, CLIENT).ttl(2).tcp(80, CPORT).flags(TcpHeader.ACK).build();
        UnsafeBuffer expected = frame().ipv6(VIP, CLIENT).ttl(1).tcp(80, CPORT).flags(TcpHeader.ACK).build();
        assertThat(toClient(in, 80, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void unreachableFromRealServerAboutAClientPacketLooksLikeItCameFromTheVip() {
        // The real server refuses the datagram we sent on as CLIENT:40000 -> RIP:5353.
        UnsafeBuffer quoted = frame().ipv6(CLIENT, RIP).ttl(63).udp(CPORT, 5353).payload("query").build();
        UnsafeBuffer in = frame().ipv6(RIP, CLIENT)
            .icmp(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0).payloadFromIp(quoted, IP6 + 8 + 5).build();
        // The client sees an error about what it sent, CLIENT:40000 -> VIP:80; the quoted UDP checksum stays.
        int quotedChecksum = quoted.getShort(ETH + IP6 + 6, ByteOrder.BIG_ENDIAN) & 0xffff;
        UnsafeBuffer asClientSent = frame().ipv6(CLIENT, VIP).ttl(63).udp(CPORT, 80).payload("query")
            .l4Checksum(quotedChecksum).build();
        UnsafeBuffer expected = frame().ipv6(VIP, CLIENT).ttl(63)
            .icmp(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0).payloadFromIp(asClientSent, IP6 + 8 + 5).build();
        assertThat(toClient(in, 5353, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void packetTooBigAboutOurReplyGoesToTheRealServer() {
        // A router towards the client cannot carry our 1500-byte reply VIP:80 -> CLIENT:40000.
        UnsafeBuffer quoted = frame().ipv6(VIP, CLIENT).ttl(63).tcp(80, CPORT).flags(TcpHeader.ACK)
            .payloadOfLength(1000).build();
        UnsafeBuffer in = frame().ipv6(ROUTER, VIP).icmp(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
            .payloadFromIp(quoted, 600).build();
        int quotedChecksum = quoted.getShort(ETH + IP6 + 16, ByteOrder.BIG_ENDIAN) & 0xffff;
        UnsafeBuffer asServerSent = frame().ipv6(RIP, CLIENT).ttl(63).tcp(8080, CPORT).flags(TcpHeader.ACK)
            .payloadOfLength(1000).l4Checksum(quotedChecksum).build();
        UnsafeBuffer expected = frame().ipv6(ROUTER, RIP).ttl(63).icmp(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
            .payloadFromIp(asServerSent, 600).build();
        assertThat(toRealServer(in, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void timeExceededAboutOurReplyGoesToTheRealServer() {
        UnsafeBuffer quoted = frame().ipv6(VIP, CLIENT).ttl(1).tcp(80, CPORT).flags(TcpHeader.ACK).build();
        UnsafeBuffer in = frame().ipv6(ROUTER, VIP).icmp(Icmpv6Header.TYPE_TIME_EXCEEDED, 0, 0)
            .payloadFromIp(quoted, IP6 + 20).build();
        int quotedChecksum = quoted.getShort(ETH + IP6 + 16, ByteOrder.BIG_ENDIAN) & 0xffff;
        UnsafeBuffer asServerSent = frame().ipv6(RIP, CLIENT).ttl(1).tcp(8080, CPORT).flags(TcpHeader.ACK)
            .l4Checksum(quotedChecksum).build();
        UnsafeBuffer expected = frame().ipv6(ROUTER, RIP).ttl(63).icmp(Icmpv6Header.TYPE_TIME_EXCEEDED, 0, 0)
            .payloadFromIp(asServerSent, IP6 + 20).build();
        assertThat(toRealServer(in, 8080, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }
}
