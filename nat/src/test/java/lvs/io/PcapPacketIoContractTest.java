package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import lvs.fixtures.io.PacketIoContract;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.pcap.PcapPacketIo;
import lvs.packet.Checksum;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The PacketIo contract for the pcap4j backend over a veth pair between two lab namespaces (root only). */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class PcapPacketIoContractTest extends PacketIoContract {
    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> PcapPacketIo.open(64, name));
    }

    @Test
    void aGsoFrameIsSegmentedInSoftwareBeforeLibpcap() {
        PacketBuilder builder = ip().ipv4("198.18.1.2", "198.18.0.100").tcp(40000, 80).payloadOfLength(2500).gso(1000);
        UnsafeBuffer frame = builder.build();
        assertThat(link.a().send(link.aIfIndex(), frame, 0, frame.capacity(), builder.offload())).isTrue();
        link.a().flush();
        List<byte[]> got = receive(link.b(), 3);
        assertThat(got).hasSize(3);
        PacketParser parser = new PacketParser();
        FlowKey key = new FlowKey();
        for (byte[] bytes : got) {
            UnsafeBuffer s = new UnsafeBuffer(bytes);
            assertThat(parser.classify(s, 0, s.capacity(), key)).isEqualTo(ParseVerdict.OK);
            int segment = key.packetEnd() - key.l4Offset();
            assertThat(segment - 20).isLessThanOrEqualTo(1000);
            assertThat(Checksum.verifies(s, key.l4Offset(), segment,
                Checksum.pseudoHeaderV4(key.srcIpv4(), key.dstIpv4(), 6, segment))).isTrue();
        }
    }
}
