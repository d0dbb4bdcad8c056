package lvs.io;

import lvs.fixtures.io.PacketIoContract;
import lvs.io.pcap.PcapPacketIo;
import org.junit.jupiter.api.condition.EnabledIf;

/** The PacketIo contract for the pcap4j backend over a veth pair between two lab namespaces (root only). */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class PcapPacketIoContractTest extends PacketIoContract {
    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> PcapPacketIo.open(64, name));
    }
}
