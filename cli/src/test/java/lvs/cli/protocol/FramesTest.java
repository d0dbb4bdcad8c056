package lvs.cli.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FramesTest {
    @Test
    void requestRoundTripKeepsEmptyAndNonAsciiArguments() throws Exception {
        byte[] b = Frames.encodeRequest("ipvsadm", new String[] {"-A", "-t", "", "198.18.0.1:80", "é"});
        assertThat(Frames.decodeRequest(ByteBuffer.wrap(b))).containsExactly("ipvsadm", "-A", "-t", "", "198.18.0.1:80", "é");
    }

    @Test
    void garbageIsRejected() {
        byte[] good = Frames.encodeRequest("ipvsadm", new String[] {"-Ln"});
        byte[] badMagic = good.clone();
        badMagic[3] = '2';
        assertThatThrownBy(() -> Frames.decodeRequest(ByteBuffer.wrap(badMagic))).hasMessageContaining("magic");
        assertThatThrownBy(() -> Frames.decodeRequest(ByteBuffer.wrap(good, 0, good.length - 1)))
            .isInstanceOf(Frames.ProtocolException.class);
        byte[] hugeCount = good.clone();
        ByteBuffer.wrap(hugeCount).putInt(4, -1);
        assertThatThrownBy(() -> Frames.decodeRequest(ByteBuffer.wrap(hugeCount))).hasMessageContaining("argument count");
        byte[] hugeLen = good.clone();
        ByteBuffer.wrap(hugeLen).putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> Frames.decodeRequest(ByteBuffer.wrap(hugeLen))).hasMessageContaining("length");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> Frames.decodeRequest(ByteBuffer.wrap(trailing))).hasMessageContaining("trailing");
    }
}
