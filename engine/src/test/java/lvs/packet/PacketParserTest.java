package lvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PacketParserTest {
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();

    @Test
    void ipv4TcpFillsTheWholeKey() {
        UnsafeBuffer frame = Frames.ipv4Tcp(Frames.CLIENT, 40000, Frames.VIP, 80, TcpHeader.SYN, 5);
        assertThat(parser.classify(frame, 0, frame.capacity(), key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.family()).isEqualTo(FlowKey.FAMILY_INET);
        assertThat(key.protocol()).isEqualTo(6);
        assertThat(key.srcLo()).isEqualTo(0xC612_0102L);
        assertThat(key.dstIpv4()).isEqualTo(Frames.VIP);
        assertThat(key.srcPort()).isEqualTo(40000);
        assertThat(key.dstPort()).isEqualTo(80);
        assertThat(key.tcpFlags()).isEqualTo(TcpHeader.SYN);
        assertThat(key.ttl()).isEqualTo(64);
        assertThat(key.l3Offset()).isEqualTo(14);
        assertThat(key.l4Offset()).isEqualTo(34);
        assertThat(key.payloadOffset()).isEqualTo(54);
        assertThat(key.packetEnd()).isEqualTo(59);
        assertThat(key.vlanId()).isEqualTo(-1);
        assertThat(key.icmpType()).isEqualTo(-1);
    }

    @Test
    void ethernetPaddingIsNotPartOfThePacket() {
        UnsafeBuffer small = Frames.ipv4Udp(Frames.CLIENT, 5000, Frames.VIP, 53, 2);
        UnsafeBuffer padded = new UnsafeBuffer(new byte[60]);
        padded.putBytes(0, small, 0, small.capacity());
        assertThat(parser.classify(padded, 0, 60, key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.packetEnd()).isEqualTo(small.capacity());
        assertThat(key.l3Length()).isEqualTo(30);
    }

    @Test
    void parsesAtAnOffsetInsideALargerBuffer() {
        UnsafeBuffer frame = Frames.ipv4Udp(Frames.CLIENT, 5000, Frames.VIP, 53, 20);
        UnsafeBuffer big = new UnsafeBuffer(new byte[4096]);
        big.putBytes(1000, frame, 0, frame.capacity());
        assertThat(parser.classify(big, 1000, frame.capacity(), key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.l4Offset()).isEqualTo(1034);
        assertThat(key.dstPort()).isEqualTo(53);
    }

    @Test
    void oneVlanTagIsSkipped() {
        UnsafeBuffer plain = Frames.ipv4Udp(Frames.CLIENT, 5000, Frames.VIP, 53, 4);
        UnsafeBuffer tagged = new UnsafeBuffer(new byte[plain.capacity() + 4]);
        tagged.putBytes(0, plain, 0, 12);
        tagged.putShort(12, (short) 0x8100, java.nio.ByteOrder.BIG_ENDIAN);
        tagged.putShort(14, (short) 0x2064, java.nio.ByteOrder.BIG_ENDIAN); // PCP 1, VLAN 100
        tagged.putBytes(16, plain, 12, plain.capacity() - 12);
        assertThat(parser.classify(tagged, 0, tagged.capacity(), key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.vlanId()).isEqualTo(100);
        assertThat(key.l3Offset()).isEqualTo(18);
        assertThat(key.dstPort()).isEqualTo(53);
    }

    @Test
    void ipv6WithExtensionHeadersFindsTcp() {
        long hi = 0x2001_0db8_0000_0001L;
        UnsafeBuffer frame = Frames.ipv6Tcp(hi, 2, hi, 0x100, new int[] {0, 60, 44}, 3);
        assertThat(parser.classify(frame, 0, frame.capacity(), key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.family()).isEqualTo(FlowKey.FAMILY_INET6);
        assertThat(key.protocol()).isEqualTo(6);
        assertThat(key.srcHi()).isEqualTo(hi);
        assertThat(key.srcLo()).isEqualTo(2);
        assertThat(key.dstLo()).isEqualTo(0x100);
        assertThat(key.l4Offset()).isEqualTo(14 + 40 + 24);
        assertThat(key.dstPort()).isEqualTo(80);
        assertThat(key.srcPort()).isEqualTo(40000);
    }

    @Test
    void ipv6FragmentsAndLongChainsAreRejected() {
        long hi = 0x2001_0db8_0000_0001L;
        UnsafeBuffer frame = Frames.ipv6Tcp(hi, 2, hi, 3, new int[] {44}, 3);
        frame.putShort(54 + 2, (short) 0x0001, java.nio.ByteOrder.BIG_ENDIAN); // M flag: first fragment
        assertThat(parser.classify(frame, 0, frame.capacity(), key)).isEqualTo(ParseVerdict.FRAGMENT);

        UnsafeBuffer chain = Frames.ipv6Tcp(hi, 2, hi, 3, new int[] {0, 60, 60, 60, 60, 60, 60, 60, 60}, 0);
        assertThat(parser.classify(chain, 0, chain.capacity(), key)).isEqualTo(ParseVerdict.BAD_IPV6_EXTENSION);

        UnsafeBuffer truncated = Frames.ipv6Tcp(hi, 2, hi, 3, new int[] {60}, 0);
        truncated.putByte(54 + 1, (byte) 10); // claims 88 bytes
        assertThat(parser.classify(truncated, 0, truncated.capacity(), key)).isEqualTo(ParseVerdict.BAD_IPV6_EXTENSION);
    }

    @Test
    void icmpErrorPointsAtTheQuotedPacket() {
        UnsafeBuffer quoted = Frames.ipv4Tcp(Frames.VIP, 80, Frames.CLIENT, 40000, TcpHeader.ACK, 0);
        int total = 20 + 8 + 28;
        UnsafeBuffer frame = new UnsafeBuffer(new byte[14 + total]);
        frame.putBytes(0, quoted, 0, 12);
        frame.putShort(12, (short) 0x0800, java.nio.ByteOrder.BIG_ENDIAN);
        Frames.ipv4(frame, 14, total, 1, 0xC612_0001, Frames.VIP);
        IcmpHeader icmp = new IcmpHeader().wrap(frame, 34, 36);
        icmp.type(3).code(4).nextHopMtu(1400);
        frame.putBytes(42, quoted, 14, 28);
        icmp.updateChecksum(36);
        assertThat(parser.classify(frame, 0, frame.capacity(), key)).isEqualTo(ParseVerdict.OK);
        assertThat(key.icmpType()).isEqualTo(3);
        assertThat(key.icmpCode()).isEqualTo(4);
        assertThat(key.icmpInnerOffset()).isEqualTo(42);
        assertThat(key.srcPort()).isZero();
    }

    @Test
    void arpIsRecognised() {
        UnsafeBuffer frame = new UnsafeBuffer(new byte[42]);
        new EthernetFrame().wrap(frame, 0, 42).destination(EthernetFrame.BROADCAST).source(Frames.CLIENT_MAC)
            .etherType(EthernetFrame.TYPE_ARP);
        new ArpPacket().wrap(frame, 14, 28).init(ArpPacket.OP_REQUEST).senderMac(Frames.CLIENT_MAC)
            .senderIp(Frames.CLIENT).targetIp(Frames.VIP);
        assertThat(parser.classify(frame, 0, 42, key)).isEqualTo(ParseVerdict.ARP);
        assertThat(key.l3Offset()).isEqualTo(14);
        assertThat(parser.classify(frame, 0, 40, key)).isEqualTo(ParseVerdict.BAD_ARP);
    }

    @Test
    void eachMalformationHasItsOwnVerdict() {
        UnsafeBuffer f = tcp();
        assertThat(parser.classify(f, 0, 13, key)).isEqualTo(ParseVerdict.TRUNCATED_ETHERNET);
        assertThat(parser.classify(f, 0, 30, key)).isEqualTo(ParseVerdict.TRUNCATED_IP);

        f = tcp();
        f.putByte(14, (byte) 0x65);
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_IP_VERSION);

        f = tcp();
        f.putByte(14, (byte) 0x44);
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_IHL);
        f.putByte(14, (byte) 0x4F); // 60-byte header, frame has 20 + 20 after it
        assertThat(parser.classify(f, 0, 14 + 50, key)).isEqualTo(ParseVerdict.BAD_IHL);

        f = tcp();
        fixIp(f, ip -> ip.totalLength(1000));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_IP_LENGTH);
        fixIp(f, ip -> ip.totalLength(10));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_IP_LENGTH);

        f = tcp();
        f.putByte(14 + 10, (byte) (f.getByte(14 + 10) + 1));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_IP_CHECKSUM);

        f = tcp();
        fixIp(f, ip -> ip.flagsAndFragmentOffset(Ipv4Header.FLAG_MF));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.FRAGMENT);
        fixIp(f, ip -> ip.flagsAndFragmentOffset(185));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.FRAGMENT);

        f = tcp();
        fixIp(f, ip -> ip.source(0x7F00_0001));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.MARTIAN_SOURCE);
        fixIp(f, ip -> ip.source(0xFFFF_FFFF));
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.MARTIAN_SOURCE);

        f = tcp();
        f.putByte(34 + 12, (byte) 0x40); // data offset 4
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_TCP_HEADER);
        f.putByte(34 + 12, (byte) 0xF0); // 60 bytes, only 24 there
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.BAD_TCP_HEADER);

        UnsafeBuffer u = Frames.ipv4Udp(Frames.CLIENT, 1, Frames.VIP, 2, 4);
        u.putShort(34 + 4, (short) 100, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(parser.classify(u, 0, u.capacity(), key)).isEqualTo(ParseVerdict.BAD_UDP_HEADER);
        u.putShort(34 + 4, (short) 7, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(parser.classify(u, 0, u.capacity(), key)).isEqualTo(ParseVerdict.BAD_UDP_HEADER);
    }

    @Test
    void ttlOfOneStillFillsTheKey() {
        UnsafeBuffer f = tcp();
        fixIp(f, ip -> ip.ttl(1));
        int verdict = parser.classify(f, 0, f.capacity(), key);
        assertThat(verdict).isEqualTo(ParseVerdict.TTL_EXPIRED);
        assertThat(ParseVerdict.hasFlowKey(verdict)).isTrue();
        assertThat(ParseVerdict.isMalformed(verdict)).isFalse();
        assertThat(key.dstPort()).isEqualTo(80);
    }

    @Test
    void nonIpIsNotOurs() {
        UnsafeBuffer f = tcp();
        f.putShort(12, (short) 0x88CC, java.nio.ByteOrder.BIG_ENDIAN); // LLDP
        assertThat(parser.classify(f, 0, f.capacity(), key)).isEqualTo(ParseVerdict.NOT_IP);
    }

    @Test
    void verdictNamesAreDistinct() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int v = 0; v < ParseVerdict.COUNT; v++) {
            names.add(ParseVerdict.name(v));
        }
        assertThat(names).hasSize(ParseVerdict.COUNT).doesNotContain("unknown");
    }

    @Test
    void classifyDoesNotAllocate() {
        UnsafeBuffer v4 = tcp();
        UnsafeBuffer v6 = Frames.ipv6Tcp(0x2001_0db8L << 32, 2, 0x2001_0db8L << 32, 3, new int[] {0}, 10);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up so the JIT has settled
            sink += parser.classify(v4, 0, v4.capacity(), key) + parser.classify(v6, 0, v6.capacity(), key);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += parser.classify(v4, 0, v4.capacity(), key) + parser.classify(v6, 0, v6.capacity(), key);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isZero();
        assertThat(allocated).as("bytes allocated by 200k classify calls").isLessThan(1024);
    }

    private static UnsafeBuffer tcp() {
        return Frames.ipv4Tcp(Frames.CLIENT, 40000, Frames.VIP, 80, TcpHeader.ACK, 4);
    }

    private static void fixIp(UnsafeBuffer frame, java.util.function.Consumer<Ipv4Header> change) {
        Ipv4Header ip = new Ipv4Header().wrap(frame, 14, frame.capacity() - 14);
        change.accept(ip);
        ip.updateChecksum();
    }
}
