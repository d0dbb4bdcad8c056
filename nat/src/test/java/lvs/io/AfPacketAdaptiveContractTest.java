package lvs.io;

import lvs.fixtures.io.PacketIoContract;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The PacketIo contract for AF_PACKET's adaptive receive path: a recvmmsg socket and a ring socket in
 * one CBPF fanout group (root only). The contract's light traffic stays on recvmmsg; the switch itself
 * is {@link AfPacketAdaptiveReceiveTest}'s.
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class AfPacketAdaptiveContractTest extends PacketIoContract {
    static final AfPacketConfig ADAPTIVE = AfPacketConfig.DEFAULT.withRxRing(16, 256 << 10, 1).withRxSwitch(10_000);

    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> AfPacketIo.open(ADAPTIVE, name));
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
