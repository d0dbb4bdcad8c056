package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import lvs.packet.Checksum;
import lvs.packet.EthernetFrame;
import lvs.packet.FlowKey;
import lvs.packet.Ipv4Header;
import lvs.packet.Ipv6Header;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SoftwareOffloadTest {
    private static final int SRC = 0xC6120102;
    private static final int DST = 0xC6120103;

    @Test
    void completesAPartialChecksum() {
        UnsafeBuffer f = tcpV4(300, TcpHeader.ACK | TcpHeader.PSH);
        f.putShort(34 + 16, (short) Checksum.fold(Checksum.pseudoHeaderV4(SRC, DST, 6, 320)), ByteOrder.BIG_ENDIAN);
        SoftwareOffload.completeChecksum(f, 0, f.capacity(), Offload.of(Offload.FLAG_NEEDS_CSUM, 0, 0, 34, 16));
        assertThat(Checksum.verifies(f, 34, 320, Checksum.pseudoHeaderV4(SRC, DST, 6, 320))).isTrue();
    }

    @Test
    void cutsATcpV4SuperFrameLikeTheKernel() {
        int payload = 4000;
        UnsafeBuffer f = tcpV4(payload, TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpHeader.CWR);
        long offload = Offload.of(Offload.FLAG_NEEDS_CSUM, Offload.GSO_TCPV4, 1448, 34, 16);
        List<byte[]> out = new ArrayList<>();
        int n = SoftwareOffload.segment(f, 0, f.capacity(), offload, 14, 34, false,
            new UnsafeBuffer(new byte[2048]), (b, o, l) -> {
                byte[] copy = new byte[l];
                b.getBytes(o, copy);
                return out.add(copy);
            });
        assertThat(n).isEqualTo(3);
        PacketParser parser = new PacketParser();
        FlowKey key = new FlowKey();
        int expectedSeq = 1000;
        for (int i = 0; i < 3; i++) {
            UnsafeBuffer s = new UnsafeBuffer(out.get(i));
            assertThat(parser.classify(s, 0, s.capacity(), key)).isEqualTo(ParseVerdict.OK);
            int chunk = i < 2 ? 1448 : payload - 2 * 1448;
            assertThat(s.capacity()).isEqualTo(54 + chunk);
            Ipv4Header ip = new Ipv4Header().wrap(s, 14, s.capacity() - 14);
            TcpHeader tcp = new TcpHeader().wrap(s, 34, s.capacity() - 34);
            assertThat(ip.identification()).isEqualTo(0x1000 + i);
            assertThat(tcp.sequence()).isEqualTo(expectedSeq);
            expectedSeq += chunk;
            int flags = tcp.flags();
            assertThat((flags & (TcpHeader.FIN | TcpHeader.PSH)) != 0).isEqualTo(i == 2);
            assertThat((flags & TcpHeader.CWR) != 0).isEqualTo(i == 0);
            assertThat(Checksum.verifies(s, 34, 20 + chunk, Checksum.pseudoHeaderV4(SRC, DST, 6, 20 + chunk))).isTrue();
            for (int j = 0; j < chunk; j++) {
                assertThat(s.getByte(54 + j)).isEqualTo(f.getByte(54 + i * 1448 + j));
            }
        }
    }

    @Test
    void cutsATcpV6SuperFrame() {
        int payload = 3000;
        UnsafeBuffer f = new UnsafeBuffer(new byte[14 + 40 + 20 + payload]);
        new EthernetFrame().wrap(f, 0, f.capacity()).etherType(EthernetFrame.TYPE_IPV6);
        Ipv6Header ip = new Ipv6Header().wrap(f, 14, f.capacity() - 14);
        ip.versionClassLabel(0, 0).payloadLength(20 + payload).nextHeader(6).hopLimit(64)
            .source(0x20010db8L << 32, 2).destination(0x20010db8L << 32, 3);
        new TcpHeader().wrap(f, 54, 20 + payload).sourcePort(1).destinationPort(2).sequence(7).headerLength(20)
            .flags(TcpHeader.ACK);
        long offload = Offload.of(Offload.FLAG_NEEDS_CSUM, Offload.GSO_TCPV6, 1400, 54, 16);
        List<byte[]> out = new ArrayList<>();
        SoftwareOffload.segment(f, 0, f.capacity(), offload, 14, 54, true, new UnsafeBuffer(new byte[2048]),
            (b, o, l) -> {
                byte[] copy = new byte[l];
                b.getBytes(o, copy);
                return out.add(copy);
            });
        assertThat(out).hasSize(3);
        UnsafeBuffer last = new UnsafeBuffer(out.get(2));
        Ipv6Header lastIp = new Ipv6Header().wrap(last, 14, last.capacity() - 14);
        assertThat(lastIp.payloadLength()).isEqualTo(20 + 200);
        assertThat(Checksum.verifies(last, 54, 220, lastIp.pseudoHeaderSum(6, 220))).isTrue();
        assertThat(new TcpHeader().wrap(last, 54, 220).sequence()).isEqualTo(7 + 2800);
    }

    private static UnsafeBuffer tcpV4(int payload, int flags) {
        UnsafeBuffer f = new UnsafeBuffer(new byte[54 + payload]);
        new EthernetFrame().wrap(f, 0, f.capacity()).etherType(EthernetFrame.TYPE_IPV4);
        Ipv4Header ip = new Ipv4Header().wrap(f, 14, 40 + payload);
        ip.versionAndHeaderLength(20).totalLength(40 + payload).identification(0x1000)
            .flagsAndFragmentOffset(Ipv4Header.FLAG_DF).ttl(64).protocol(6).source(SRC).destination(DST).updateChecksum();
        new TcpHeader().wrap(f, 34, 20 + payload).sourcePort(40000).destinationPort(80).sequence(1000)
            .headerLength(20).flags(flags).window(1000);
        for (int i = 0; i < payload; i++) {
            f.putByte(54 + i, (byte) (i * 7));
        }
        return f;
    }
}
