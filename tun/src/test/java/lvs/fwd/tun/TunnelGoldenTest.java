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
 * TUN, frame in → frames out, byte for byte: the outer IPv4 header (TOS, ID, DF, TTL, protocol,
 * addresses, checksum) and the GUE/GRE headers with and without checksums, as §5.4 of the kernel notes
 * lays them out; the ICMP "fragmentation needed" reply; GSO frames cut to fit the tunnel.
 */
class TunnelGoldenTest {
    private static final String CLIENT = "198.18.1.2";
    private static final String VIP = "198.18.0.10";
    private static final String DIRECTOR = "198.19.0.1";
    private static final String RIP = "198.19.0.2";
    private static final String CLIENT_MAC = "02:00:00:00:01:02";
    private static final String DIRECTOR_IN_MAC = "02:00:00:00:01:01";
    private static final String DIRECTOR_OUT_MAC = "02:00:00:00:02:01";
    private static final String RS_MAC = "02:00:00:00:02:02";
    private static final long SEED = 42;
    private static final int GUE_PORT = 6080;

    private final TunnelForwarder tun = new TunnelForwarder(new GueSourcePort(32768, 60999), SEED, () -> 0L);
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
        return PacketBuilder.frame().eth(CLIENT_MAC, DIRECTOR_IN_MAC).ipv4(CLIENT, VIP);
    }

    private static Egress egress(int type, int flags) {
        Egress x = new Egress();
        x.ifIndex = 3;
        x.sourceMac = Addresses.mac(DIRECTOR_OUT_MAC);
        x.nextHopMac = Addresses.mac(RS_MAC);
        x.routeMtu = 1500;
        x.sourceAddress = Addresses.ipv4(DIRECTOR);
        x.realAddress = Addresses.ipv4(RIP);
        x.tunnelType = type;
        x.tunnelPort = type == TunnelHeaders.GUE ? GUE_PORT : 0;
        x.tunnelFlags = flags;
        x.replyIfIndex = 2;
        x.replySourceMac = Addresses.mac(DIRECTOR_IN_MAC);
        x.replyDestinationMac = Addresses.mac(CLIENT_MAC);
        return x;
    }

    private int encapsulate(UnsafeBuffer frame, long offload, Egress egress) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        return tun.encapsulate(frame, 0, key, offload, egress, sink);
    }

    private static PacketBuilder outer() {
        return PacketBuilder.frame().eth(DIRECTOR_OUT_MAC, RS_MAC).ipv4(DIRECTOR, RIP).ttl(63).ipId(0);
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
    void ipipCopiesTosTtlDfIntoTheOuterHeaderWithIdZero() {
        PacketBuilder in = fromClient().tos(0x28).ttl(64).tcp(40000, 80).flags(TcpHeader.PSH | TcpHeader.ACK)
            .payload("GET / HTTP/1.1\r\n\r\n");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        assertThat(encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.SENT);
        UnsafeBuffer expected = outer().tos(0x28).ipProtocol(4).payloadFromIp(inner, 65535).build();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ifIndex()).isEqualTo(3);
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void ecnCeInsideBecomesEct0OutsideAndNoDfGetsACountedId() {
        PacketBuilder in = fromClient().tos(0x2B).fragmentWord(0).udp(5000, 53).payload("q");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0));
        int id = new OuterIpId(SEED).next(Addresses.ipv4(RIP), 4);
        UnsafeBuffer expected = outer().tos(0x2A).fragmentWord(0).ipId(id).ipProtocol(4)
            .payloadFromIp(inner, 65535).build();
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void ipipKeepsAPartialChecksumPartialWithItsStartMovedBehindTheOuterHeader() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("abc").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, offload, egress(TunnelHeaders.IPIP, 0));
        assertFrameEquals(outer().ipProtocol(4).payloadFromIp(inner, 65535).build(), sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.of(Offload.FLAG_NEEDS_CSUM, 0, 0, 14 + 20 + 20, 16));
    }

    @Test
    void gueWithoutChecksum() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        int sport = gueSourcePort(frame);
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GUE, 0));
        byte[] gue = {0, 4, 0, 0};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).l4Checksum(0).payload(concat(gue, ipOf(inner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
        assertThat(sport).isBetween(32768, 60999);
    }

    @Test
    void gueWithChecksumFinishesAPartialInnerChecksumFirst() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        int sport = gueSourcePort(frame);
        UnsafeBuffer completeInner = fromClient().ttl(63).tcp(40000, 80).payload("hello").build();
        encapsulate(frame, offload, egress(TunnelHeaders.GUE, TunnelHeaders.FLAG_CSUM));
        byte[] gue = {0, 4, 0, 0};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).payload(concat(gue, ipOf(completeInner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
    }

    @Test
    void gueRemoteChecksumOffloadLeavesThePartialChecksumToTheRealServer() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello").partialChecksum();
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        int sport = gueSourcePort(frame);
        UnsafeBuffer partialInner = in.ttl(63).build();
        encapsulate(frame, offload, egress(TunnelHeaders.GUE, TunnelHeaders.FLAG_REMCSUM));
        // hlen 2, proto 4, flags GUE_FLAG_PRIV; private flags REMCSUM; csum_start 20, field 20 + 16
        byte[] gue = {2, 4, 0, 1, (byte) 0x80, 0, 0, 0, 0, 20, 0, 36};
        UnsafeBuffer expected = outer().udp(sport, GUE_PORT).payload(concat(gue, ipOf(partialInner))).build();
        assertFrameEquals(expected, sent.get(0).frame());
        assertThat(sent.get(0).offload()).isEqualTo(Offload.NONE);
    }

    @Test
    void gueRemoteChecksumFlagOnACompletePacketIsAPlainChecksum() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        int sport = gueSourcePort(frame);
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GUE, TunnelHeaders.FLAG_REMCSUM));
        byte[] gue = {0, 4, 0, 0};
        assertFrameEquals(outer().udp(sport, GUE_PORT).payload(concat(gue, ipOf(inner))).build(), sent.get(0).frame());
    }

    @Test
    void greWithoutChecksum() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GRE, 0));
        byte[] gre = {0, 0, 0x08, 0x00};
        assertFrameEquals(outer().ipProtocol(47).payload(concat(gre, ipOf(inner))).build(), sent.get(0).frame());
    }

    @Test
    void greWithChecksumCoversHeaderAndPayload() {
        PacketBuilder in = fromClient().tcp(40000, 80).payload("hello");
        UnsafeBuffer frame = in.build();
        UnsafeBuffer inner = in.ttl(63).build();
        encapsulate(frame, Offload.NONE, egress(TunnelHeaders.GRE, TunnelHeaders.FLAG_CSUM));
        byte[] gre = concat(new byte[] {(byte) 0x80, 0, 0x08, 0x00, 0, 0, 0, 0}, ipOf(inner));
        int check = Checksum.compute(new UnsafeBuffer(gre), 0, gre.length);
        gre[4] = (byte) (check >>> 8);
        gre[5] = (byte) check;
        assertFrameEquals(outer().ipProtocol(47).payload(gre).build(), sent.get(0).frame());
    }

    @Test
    void tooBigWithDfIsAnsweredWithFragmentationNeededCarryingTheTunnelMtu() {
        PacketBuilder in = fromClient().ttl(64).tcp(40000, 80).payloadOfLength(1460); // 1500 bytes of IP
        UnsafeBuffer frame = in.build();
        UnsafeBuffer forwarded = in.ttl(63).build();
        assertThat(encapsulate(frame, Offload.NONE, egress(TunnelHeaders.IPIP, 0)))
            .isEqualTo(Encapsulator.DROP_FRAG_NEEDED);
        int id = new OuterIpId(SEED).next(Addresses.ipv4(CLIENT), 1);
        UnsafeBuffer expected = PacketBuilder.frame().eth(DIRECTOR_IN_MAC, CLIENT_MAC).ipv4(VIP, CLIENT)
            .tos(0xC0).ttl(64).fragmentWord(0).ipId(id).icmp(3, 4, 1480).payloadFromIp(forwarded, 548).build();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ifIndex()).isEqualTo(2);
        assertFrameEquals(expected, sent.get(0).frame());
    }

    @Test
    void tunnelMtuSubtractsGueAndGreHeaders() {
        PacketBuilder in = fromClient().tcp(40000, 80).payloadOfLength(1460 - 12 - 20);
        assertThat(encapsulate(in.build(), Offload.NONE, egress(TunnelHeaders.GUE, 0))).isEqualTo(Encapsulator.SENT);
        PacketBuilder bigger = fromClient().tcp(40000, 80).payloadOfLength(1460 - 12 - 20 + 1);
        assertThat(encapsulate(bigger.build(), Offload.NONE, egress(TunnelHeaders.GUE, 0)))
            .isEqualTo(Encapsulator.DROP_FRAG_NEEDED);
        assertThat(sent.get(1).frame().getShort(14 + 20 + 6, ByteOrder.BIG_ENDIAN)).isEqualTo((short) 1468);
        PacketBuilder greFits = fromClient().tcp(40000, 80).payloadOfLength(1460 - 20 - 8);
        assertThat(encapsulate(greFits.build(), Offload.NONE, egress(TunnelHeaders.GRE, TunnelHeaders.FLAG_CSUM)))
            .isEqualTo(Encapsulator.SENT);
    }

    @Test
    void ttlOfOneIsDroppedAndNothingIsSent() {
        assertThat(encapsulate(fromClient().ttl(1).tcp(40000, 80).build(), Offload.NONE,
            egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.DROP_TTL_EXPIRED);
        assertThat(sent).isEmpty();
    }

    @Test
    void gsoFrameIsCutIntoSegmentsThatFitTheTunnel() {
        PacketBuilder in = fromClient().tcp(40000, 80).seq(1000).flags(TcpHeader.PSH | TcpHeader.ACK)
            .payloadOfLength(3000).partialChecksum().gso(1448);
        UnsafeBuffer frame = in.build();
        assertThat(encapsulate(frame, in.offload(), egress(TunnelHeaders.IPIP, 0))).isEqualTo(Encapsulator.SENT);
        // tunnel MTU 1480 - 40 bytes of inner headers: 1440 per segment, not the sender's 1448
        assertThat(sent).extracting(s -> s.frame().capacity()).containsExactly(14 + 20 + 1480, 14 + 20 + 1480,
            14 + 20 + 40 + 120);
        byte[] all = in.bytes();
        int seq = 1000;
        for (Sent s : sent) {
            UnsafeBuffer f = s.frame();
            assertThat(f.getByte(14 + 9)).isEqualTo((byte) 4);
            assertThat(Checksum.compute(f, 14, 20)).as("outer header checksum").isZero();
            assertThat(Checksum.compute(f, 34, 20)).as("inner header checksum").isZero();
            int innerLength = f.capacity() - 34;
            long pseudo = Checksum.pseudoHeaderV4(f.getInt(34 + 12, ByteOrder.BIG_ENDIAN),
                f.getInt(34 + 16, ByteOrder.BIG_ENDIAN), 6, innerLength - 20);
            assertThat(Checksum.transport(f, 54, innerLength - 20, pseudo)).as("inner TCP checksum").isZero();
            assertThat(f.getInt(54 + 4, ByteOrder.BIG_ENDIAN)).isEqualTo(seq);
            for (int i = 0; i < innerLength - 40; i++) {
                assertThat(f.getByte(74 + i)).isEqualTo(all[54 + seq - 1000 + i]);
            }
            seq += innerLength - 40;
            assertThat(s.offload()).isEqualTo(Offload.NONE);
        }
    }
}
