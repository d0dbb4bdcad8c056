package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.fixtures.io.PacketIoContract;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.xdp.XdpConfig;
import lvs.io.xdp.XdpPacketIo;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The PacketIo contract for the AF_XDP backend redirecting every frame, over a veth pair between two
 * lab namespaces (root only). The program is attached in each lab namespace only.
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class XdpPacketIoContractTest extends PacketIoContract {
    static final XdpConfig EVERYTHING = XdpConfig.DEFAULT.withSteering(XdpConfig.Steering.EVERYTHING);

    @Override
    protected Link openLink() throws Exception {
        return VethLink.open(name -> XdpPacketIo.open(EVERYTHING, AfPacketConfig.DEFAULT, name));
    }

    @Override
    protected boolean carriesOffload() {
        return true;
    }

    @Override
    protected boolean allocationFree() {
        return true;
    }

    @Test
    void framesTravelThroughAfXdpBothWays() {
        XdpPacketIo a = (XdpPacketIo) link.a();
        XdpPacketIo b = (XdpPacketIo) link.b();
        assertThat(a.attachModes()).containsExactly("native"); // veth has native XDP
        for (int i = 0; i < 500; i++) {
            UnsafeBuffer frame = testFrame(i, 60 + i % 1400);
            sendAndMaybeFlush(a, link.aIfIndex(), frame, Offload.NONE);
        }
        a.flush();
        assertThat(receive(b, 500)).hasSize(500);
        assertThat(a.xskTxFrames()).isEqualTo(500);
        assertThat(b.xskRxFrames()).isGreaterThanOrEqualTo(500);
    }
}
