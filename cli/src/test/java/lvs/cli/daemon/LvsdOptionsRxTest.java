package lvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** lvsd's {@code --rx}: the AF_PACKET receive path. */
class LvsdOptionsRxTest {
    @Test
    void autoIsTheDefaultAndRecvmmsgOrRingCanBeChosen() throws Exception {
        assertThat(LvsdOptions.parse(new String[0], Map.of()).rx()).isEqualTo(LvsdOptions.ReceivePath.AUTO);
        assertThat(LvsdOptions.parse(new String[] {"--rx", "recvmmsg"}, Map.of()).rx())
            .isEqualTo(LvsdOptions.ReceivePath.RECVMMSG);
        assertThat(LvsdOptions.parse(new String[] {"--rx=ring"}, Map.of()).rx()).isEqualTo(LvsdOptions.ReceivePath.RING);
    }

    @Test
    void anUnknownReceivePathIsAUsageError() {
        assertThatThrownBy(() -> LvsdOptions.parse(new String[] {"--rx", "mmap"}, Map.of()))
            .isInstanceOf(LvsdOptions.UsageException.class)
            .hasMessage("lvsd: option --rx: unknown receive path 'mmap' (auto, ring or recvmmsg)");
        assertThatThrownBy(() -> LvsdOptions.parse(new String[] {"--rx"}, Map.of()))
            .isInstanceOf(LvsdOptions.UsageException.class);
    }

    @Test
    void theHelpNamesBothReceivePaths() {
        assertThat(LvsdOptions.usage()).contains("--rx=MODE").doesNotContain("%").contains("auto").contains("ring").contains("recvmmsg");
    }
}
