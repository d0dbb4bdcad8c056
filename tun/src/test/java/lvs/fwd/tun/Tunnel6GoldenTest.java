package lvs.fwd.tun;

import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.Egress;
import lvs.dataplane.Encapsulator;
import lvs.dataplane.FrameSink;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.Offload;
import lvs.packet.Checksum;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * TUN for an IPv6 service (the kernel's {@code ip_vs_tunnel_xmit_v6}), frame in → frames out, byte for
 * byte: the outer IPv6 header (traffic class from the inner one with RFC 6040's CE rule, flow label 0,
 * hop limit = the inner one after the director's decrement, payload length, next header 41 / 17 / 47,
 * addresses), GUE (proto_ctype 41, UDP checksum 0 or a full one over the IPv6 pseudo-header) and GRE
 * (protocol 0x86DD); ICMPv6 packet too big carrying the tunnel MTU; the 1280-byte least tunnel MTU;
 * GSO frames cut to fit. Addresses in 2001:2::/48.
 */
class Tunnel6GoldenTest {
    private static final String CLIENT = "2001:2::10";
    private static final String VIP = "2001:2::fe";
    private static final String DIRECTOR = "2001:2:0:1::11";
    private static final String RIP = "2001:2:0:1::12";
    private static final String CLIENT_MAC = "02:00:00:00:01:02";
    private static final String DIRECTOR_IN_MAC = "02:00:00:00:01:01";
    private static final String DIRECTOR_OUT_MAC = "02:00:00:00:02:01";
    private static final String RS_MAC = "02:00:00:00:02:02";
    private static final int GUE_PORT = 6080;
    private static final int ETH_IP6 = 14 + 40;

    private final TunnelForwarder tun = new TunnelForwarder(new GueSourcePort(32768, 60999), 42, () -> 0L);
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();
    private final List<Sent> sent = new ArrayList<>();
    private final FrameSink sink = (ifIndex, buffer, offset, length, offload) -> {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        sent.add(new Sent(ifIndex, new UnsafeBuffer(bytes), offload));
        return true;
    };

    private record Sent(int ifIndex, UnsafeBuffer frame, long offload) {
    }

    private static PacketBuilder fromClient() {
        return PacketBuilder.frame().eth(CLIENT_MAC, DIRECTOR_IN_MAC).ipv6(CLIENT, VIP);
    }

    private static Egress egress(int type, int flags, int routeMtu) {
        Egress x = new Egress();
        x.ifIndex = 3;
        x.sourceMac = Addresses.mac(DIRECTOR_OUT_MAC);
        x.nextHopMac = Addresses.mac(RS_MAC);
        x.routeMtu = routeMtu;
        x.outerIpv6 = true;
        long[] source = Addresses.ipv6(DIRECTOR);
        long[] real = Addresses.ipv6(RIP);
        x.sourceAddressHi = source[0];
        x.sourceAddressLo = source[1];
        x.realAddressHi = real[0];
        x.realAddressLo = real[1];
        x.tunnelType = type;
        x.tunnelPort = type == TunnelHeaders.GUE ? GUE_PORT : 0;
        x.tunnelFlags = flags;
        x.replyIfIndex = 2;
        x.replySourceMac = Addresses.mac(DIRECTOR_IN_MAC);
        x.replyDestinationMac = Addresses.mac(CLIENT_MAC);
        return x;
    }

    private static Egress egress(int type, int flags) {
        return egress(type, flags, 1500);
    }

    private int encapsulate(UnsafeBuffer frame, long offload, Egress egress) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        return tun.encapsulate(frame, 0, key, offload, egress, sink);
    }

    private static PacketBuilder outer() {
        return PacketBuilder.frame().eth(DIRECTOR_OUT_MAC, RS_MAC).ipv6(DIRECTOR, RIP).ttl(63);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] ipOf(UnsafeBuffer frame) {
        byte[] r = new byte[frame.capacity() - 14];
        frame.getBytes(14, r);
        return r;
    }

    private int gueSourcePort(UnsafeBuffer inner) {
        parser.classify(inner, 0, inner.capacity(), key);
        return new GueSourcePort(32768, 60999).port(key.flowHash());
    }

    @Test
    void ipv6InIpv6CopiesTrafficClassAndHopLimitAndClearsTheFlowLabel() {
        PacketBuilder in = fromClient().tos(0x28).ttl(64).tcp(40000, 80).flags(TcpHeader.PSH | TcpHeader.ACK)
            .payload("GET / HTTP/1.1\r\n\r\n");
        UnsafeBuffer frame = in.build();
        frame.putInt(14, frame.getInt(14, ByteOrder.BIG_ENDIAN) | 0xABCDE, ByteOrder.BIG_ENDIAN); // a flow label
        UnsafeBuffer inner = in.ttl(63).build();
        inner.putInt(14, inner.getInt(14, ByteOrder.BIG_ENDIAN) | 0xABCDE, ByteOrder.BIG_ENDIAN); // kept inside
        assertThat(encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.SENT);
        UnsafeBuffer expected = outer().tos(0x28).ipProtocol(41).payloadFromIp(inner, 65535).build();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ifIndex()).isEqualTo(3);
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void ecnCeInsideBecomesEct0Outside() {
        PacketBuilder in = fromClient().tos(0x2B).udp(5000, 53).payload("q");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0));
        assertFrameEquals(outer().tos(0x2A).ipProtocol(41).payloadFromIp(inner, 65535).build(), sent.get(0).frame());
    }

    @Test
    void aPartialChecksumStaysPartialWithItsStartMovedBehindTheOuterHeader() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("abc").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, offload, egress(TunnelHeaders.IPIP, 0));
        assertFrameEquals(outer().ipProtocol(41).payloadFromIp(inner, 65535).build(), sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.of(Offload.FLAG_NEEDS_CSUM, 0, 0, ETH_IP6 + 40, 16));
    }

    @Test
    void gueOverIpv6WithoutChecksumCarriesProtoCtype41AndAZeroUdpChecksum() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        int sport = gueSourcePort(frame);
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GUE, 0));
        byte[] gue = {0, 41, 0, 0};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).l4Checksum(0).payload(concat(gue, ipOf(inner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void gueOverIpv6WithChecksumFinishesThePartialInnerChecksumAndSumsOverTheIpv6PseudoHeader() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        int sport = gueSourcePort(frame);
        UnsafeBuffer completeInner = fromClient().ttl(63).tcp(40000, 80).payload("hello").build();
        encapsulate(frame, offload, egress(TunnelHeaders.GUE, TunnelHeaders.FLAG_CSUM));
        byte[] gue = {0, 41, 0, 0};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).payload(concat(gue, ipOf(completeInner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
    }

    @Test
    void gueRemoteChecksumOffloadPointsIntoTheInnerIpv6Packet() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        int sport = gueSourcePort(frame);
        UnsafeBuffer partialInner = in.ttl(63).build();
        encapsulate(frame, offload, egress(TunnelHeaders.GUE, TunnelHeaders.FLAG_REMCSUM));
        // hlen 2, proto 41, GUE_FLAG_PRIV; REMCSUM; csum_start 40 (after the inner IPv6 header), field 40 + 16
        byte[] gue = {2, 41, 0, 1, (byte) 0x80, 0, 0, 0, 0, 40, 0, 56};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).payload(concat(gue, ipOf(partialInner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
    }

    @Test
    void greOverIpv6CarriesProtocol86dd() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GRE, 0));
        byte[] gre = {0, 0, (byte) 0x86, (byte) 0xDD};
        assertFrameEquals(outer().ipProtocol(47).payload(concat(gre, ipOf(inner))).build(), sent.get(0).frame());
    }

    @Test
    void greOverIpv6WithChecksum() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GRE, TunnelHeaders.FLAG_CSUM));
        byte[] gre = concat(new byte[] {(byte) 0x80, 0, (byte) 0x86, (byte) 0xDD, 0, 0, 0, 0}, ipOf(inner));
        int check = Checksum.compute(new UnsafeBuffer(gre), 0, gre.length);
        gre[4] = (byte) (check >>> 8);
        gre[5] = (byte) check;
        assertFrameEquals(outer().ipProtocol(47).payload(gre).build(), sent.get(0).frame());
    }

    @Test
    void tooBigIsAnsweredWithPacketTooBigFromTheVipCarryingTheTunnelMtu() {
        PacketBuilder in = fromClient().ttl(64).tcp(40000, 80).payloadOfLength(1440); // 1500 bytes of IPv6
        UnsafeBuffer frame = in.build();
        UnsafeBuffer forwarded = in.ttl(63).build();
        assertThat(encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0)))
            .isEqualTo(Encapsulator.DROP_FRAG_NEEDED);
        // ICMPv6 type 2 code 0, MTU 1500 - 40; the quote fills the error up to 1280 bytes
        UnsafeBuffer expected = PacketBuilder.frame().eth(DIRECTOR_IN_MAC, CLIENT_MAC).ipv6(VIP, CLIENT).ttl(64)
            .icmp(2, 0, 1460).payloadFromIp(forwarded, 1280 - 48).build();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ifIndex()).isEqualTo(2);
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void exactlyTheTunnelMtuFitsAndGueAndGreHeadersLowerIt() {
        assertThat(encapsulate(fromClient().tcp(40000, 80).payloadOfLength(1460 - 60).build(), Offload.NONE,
            egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.SENT);
        assertThat(sent.get(0).frame().capacity()).isEqualTo(14 + 1500);
        assertThat(encapsulate(fromClient().tcp(40000, 80).payloadOfLength(1460 - 60 - 12 + 1).build(), Offload.NONE,
            egress(TunnelHeaders.GUE, 0))).isEqualTo(Encapsulator.DROP_FRAG_NEEDED);
        assertThat(sent.get(1).frame().getInt(14 + 40 + 4, ByteOrder.BIG_ENDIAN)).isEqualTo(1448);
        assertThat(encapsulate(fromClient().tcp(40000, 80).payloadOfLength(1460 - 60 - 8).build(), Offload.NONE,
            egress(TunnelHeaders.GRE, TunnelHeaders.FLAG_CSUM))).isEqualTo(Encapsulator.SENT);
    }

    @Test
    void aTunnelMtuBelow1280IsNotUsed() {
        assertThat(encapsulate(fromClient().tcp(40000, 80).payload("x").build(), Offload.NONE,
            egress(TunnelHeaders.GUE, 0, 1280 + 40 + 12 - 1))).isEqualTo(Encapsulator.DROP_UNSUPPORTED);
        assertThat(encapsulate(fromClient().tcp(40000, 80).payload("x").build(), Offload.NONE,
            egress(TunnelHeaders.GUE, 0, 1280 + 40 + 12))).isEqualTo(Encapsulator.SENT);
    }

    @Test
    void hopLimitOfOneIsDroppedAndNothingIsSent() {
        assertThat(encapsulate(fromClient().ttl(1).tcp(40000, 80).build(), Offload.NONE,
            egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.DROP_TTL_EXPIRED);
        assertThat(sent).isEmpty();
    }

    @Test
    void anIcmpv6ErrorTooBigForTheTunnelIsDroppedWithoutAnError() {
        UnsafeBuffer quoted = fromClient().tcp(40000, 80).payloadOfLength(1400).build();
        UnsafeBuffer error = PacketBuilder.frame().eth(CLIENT_MAC, DIRECTOR_IN_MAC).ipv6(CLIENT, VIP)
            .icmp(1, 4, 0).payloadFromIp(quoted, 1452).build(); // port unreachable quoting a big packet
        int verdict = parser.classify(error, 0, error.capacity(), key);
        assertThat(key.icmpInnerOffset()).as(ParseVerdict.name(verdict)).isNotEqualTo(FlowKey.ABSENT);
        assertThat(tun.encapsulate(error, 0, key, Offload.NONE, egress(TunnelHeaders.IPIP, 0), sink))
            .isEqualTo(Encapsulator.DROP_FRAG_NEEDED);
        assertThat(sent).isEmpty();
    }

    @Test
    void gsoFrameIsCutIntoSegmentsThatFitTheTunnel() {
        PacketBuilder in = fromClient().tcp(40000, 80).seq(1000).flags(TcpHeader.PSH | TcpHeader.ACK)
            .payloadOfLength(3000).partialChecksum().gso(1440);
        UnsafeBuffer frame = in.build();
        assertThat(encapsulate(frame, in.offload(), egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.SENT);
        // tunnel MTU 1460 - 60 bytes of inner headers: 1400 per segment, not the sender's 1440
        assertThat(sent).extracting(s -> s.frame().capacity()).containsExactly(ETH_IP6 + 1460, ETH_IP6 + 1460,
            ETH_IP6 + 60 + 200);
        byte[] all = in.bytes();
        int seq = 1000;
        for (Sent s : sent) {
            UnsafeBuffer f = s.frame();
            int innerLength = f.capacity() - ETH_IP6;
            assertThat(f.getByte(14 + 6)).as("next header").isEqualTo((byte) 41);
            assertThat(f.getShort(14 + 4, ByteOrder.BIG_ENDIAN)).as("outer payload length")
                .isEqualTo((short) innerLength);
            assertThat(f.getShort(ETH_IP6 + 4, ByteOrder.BIG_ENDIAN)).as("inner payload length")
                .isEqualTo((short) (innerLength - 40));
            assertThat(f.getByte(ETH_IP6 + 7)).as("inner hop limit").isEqualTo((byte) 63);
            long pseudo = Checksum.pseudoHeaderV6(f.getLong(ETH_IP6 + 8, ByteOrder.BIG_ENDIAN),
                f.getLong(ETH_IP6 + 16, ByteOrder.BIG_ENDIAN), f.getLong(ETH_IP6 + 24, ByteOrder.BIG_ENDIAN),
                f.getLong(ETH_IP6 + 32, ByteOrder.BIG_ENDIAN), 6, innerLength - 40);
            assertThat(Checksum.transport(f, ETH_IP6 + 40, innerLength - 40, pseudo)).as("inner TCP checksum").isZero();
            assertThat(f.getInt(ETH_IP6 + 40 + 4, ByteOrder.BIG_ENDIAN)).isEqualTo(seq);
            for (int i = 0; i < innerLength - 60; i++) {
                assertThat(f.getByte(ETH_IP6 + 60 + i)).isEqualTo(all[14 + 60 + seq - 1000 + i]);
            }
            seq += innerLength - 60;
            assertThat(s.offload()).isEqualTo(Offload.NONE);
        }
        assertThat(seq).isEqualTo(4000);
    }
}
