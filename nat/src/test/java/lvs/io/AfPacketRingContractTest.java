package lvs.io;

import lvs.fixtures.io.PacketIoContract;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import org.junit.jupiter.api.condition.EnabledIf;

/** The PacketIo contract for AF_PACKET receiving through a TPACKET_V3 ring (root only). */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class AfPacketRingContractTest extends PacketIoContract {
    static final AfPacketConfig RING = AfPacketConfig.DEFAULT.withRxRing(16, 256 << 10, 1);

    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> AfPacketIo.open(RING, name));
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
