package lvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** lvsd's {@code --io}: the packet I/O backend. */
class LvsdOptionsIoTest {
    @Test
    void afPacketIsTheDefaultAndXdpIsOptIn() throws Exception {
        assertThat(LvsdOptions.parse(new String[0], Map.of()).io()).isEqualTo(LvsdOptions.PacketIoKind.AF_PACKET);
        assertThat(LvsdOptions.parse(new String[] {"--io", "xdp"}, Map.of()).io()).isEqualTo(LvsdOptions.PacketIoKind.XDP);
        assertThat(LvsdOptions.parse(new String[] {"--io=af_packet", "--rx", "recvmmsg"}, Map.of()))
            .extracting(LvsdOptions::io, LvsdOptions::rx)
            .containsExactly(LvsdOptions.PacketIoKind.AF_PACKET, LvsdOptions.ReceivePath.RECVMMSG);
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        assertThatThrownBy(() -> LvsdOptions.parse(new String[] {"--io", "dpdk"}, Map.of()))
            .isInstanceOf(LvsdOptions.UsageException.class)
            .hasMessage("lvsd: option --io: unknown packet I/O 'dpdk' (af_packet or xdp)");
    }

    @Test
    void theHelpNamesBothBackends() {
        assertThat(LvsdOptions.usage()).contains("--io=BACKEND").contains("af_packet").contains("xdp");
    }
}
