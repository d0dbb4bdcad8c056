package lvs.io;

import lvs.fixtures.io.PacketIoContract;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import org.junit.jupiter.api.condition.EnabledIf;

/** The PacketIo contract over a real veth pair between two lab namespaces (root only). */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class AfPacketIoContractTest extends PacketIoContract {
    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> AfPacketIo.open(AfPacketConfig.DEFAULT, name));
    }

    @Override
    protected boolean carriesOffload() {
        return true;
    }

    @Override
    protected boolean allocationFree() {
        return true;
    }
}
