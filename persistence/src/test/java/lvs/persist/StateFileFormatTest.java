package lvs.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StateFileFormatTest {
    private static final Path FILE = Path.of("/test/state");

    @Test
    void roundTripKeepsEveryFieldAndTheOrder() throws Exception {
        StateSnapshot s = Samples.everything();
        assertThat(StateFileFormat.decode(StateFileFormat.encode(s), FILE)).isEqualTo(s);
    }

    @Test
    void emptyTableRoundTrips() throws Exception {
        byte[] data = StateFileFormat.encode(StateSnapshot.EMPTY);
        assertThat(new String(data, StandardCharsets.US_ASCII)).startsWith("lvsd-state 1\ntimeouts 900 120 300\nend 1 ");
        assertThat(StateFileFormat.decode(data, FILE)).isEqualTo(StateSnapshot.EMPTY);
    }

    @Test
    void isReadableText() {
        String text = new String(StateFileFormat.encode(Samples.everything()), StandardCharsets.US_ASCII);
        assertThat(text).contains("service inet tcp 198.18.0.11 80 0 wrr - 2 0 4294967295\n")
            .contains("real 198.18.1.12 80 masquerade 1 0 0 ipip 0 0\n")
            .contains("service inet6 udp 2001:db8:0:0:0:0:0:1 53 0 sh sip 11 360 64\n")
            .contains(" odd%20name%25- ")
            .contains(" %2D ")
            .contains("daemon backup veth%200 255 9000 239.1.2.3 1 255\n");
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] data = StateFileFormat.encode(Samples.everything());
        for (int len = 0; len < data.length; len++) {
            byte[] cut = Arrays.copyOf(data, len);
            assertThatThrownBy(() -> StateFileFormat.decode(cut, FILE))
                .as("truncated to %d of %d bytes", len, data.length)
                .isInstanceOf(CorruptStateFileException.class);
        }
    }

    @Test
    void everyFlippedByteIsDetected() {
        byte[] data = StateFileFormat.encode(Samples.everything());
        for (int i = 0; i < data.length; i++) {
            byte[] bad = data.clone();
            bad[i] ^= 0x04;
            assertThatThrownBy(() -> StateFileFormat.decode(bad, FILE))
                .as("byte %d changed", i)
                .isInstanceOf(CorruptStateFileException.class);
        }
    }

    @Test
    void unknownVersionIsRejectedEvenWithAGoodChecksum() {
        String text = new String(StateFileFormat.encode(StateSnapshot.EMPTY), StandardCharsets.US_ASCII);
        String body = text.substring(0, text.indexOf("end ")).replace("lvsd-state 1", "lvsd-state 2");
        assertThatThrownBy(() -> StateFileFormat.decode(withTrailer(body, 1), FILE))
            .isInstanceOf(CorruptStateFileException.class).hasMessageContaining("header");
    }

    @Test
    void wellFormedButMeaninglessRecordsAreRejectedWithTheLineNumber() {
        String body = "lvsd-state 1\ntimeouts 900 120 300\nreal 198.18.1.1 80 masquerade 1 0 0 ipip 0 0\n";
        assertThatThrownBy(() -> StateFileFormat.decode(withTrailer(body, 2), FILE))
            .isInstanceOf(CorruptStateFileException.class).hasMessageContaining("line 3");
        String badAddr = "lvsd-state 1\ntimeouts 900 120 300\nservice inet tcp 198.18.300.1 80 0 wrr - 2 0 0\n";
        assertThatThrownBy(() -> StateFileFormat.decode(withTrailer(badAddr, 2), FILE))
            .isInstanceOf(CorruptStateFileException.class).hasMessageContaining("bad address");
        String miscounted = "lvsd-state 1\ntimeouts 900 120 300\n";
        assertThatThrownBy(() -> StateFileFormat.decode(withTrailer(miscounted, 5), FILE))
            .isInstanceOf(CorruptStateFileException.class).hasMessageContaining("counts 5");
    }

    /** A correct trailer for {@code body}, so only the content is wrong. */
    private static byte[] withTrailer(String body, int records) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        crc.update(b);
        return (body + String.format("end %d %08x\n", records, crc.getValue())).getBytes(StandardCharsets.US_ASCII);
    }
}
