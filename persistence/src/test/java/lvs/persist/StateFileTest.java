package lvs.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void missingFileMeansFirstStart() throws Exception {
        assertThat(new StateFile(dir.resolve("state")).load()).isEmpty();
    }

    @Test
    void saveThenLoadAndNoTempFileLeft() throws Exception {
        StateFile f = new StateFile(dir.resolve("sub/state"));
        f.save(Samples.everything());
        assertThat(f.load()).contains(Samples.everything());
        f.save(StateSnapshot.EMPTY);
        assertThat(f.load()).contains(StateSnapshot.EMPTY);
        try (var files = Files.list(dir.resolve("sub"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state");
        }
    }

    @Test
    void aStaleTempFileFromACrashIsIgnoredAndReplaced() throws Exception {
        StateFile f = new StateFile(dir.resolve("state"));
        f.save(Samples.everything());
        Files.writeString(dir.resolve("state.tmp"), "half a write");
        assertThat(f.load()).contains(Samples.everything());
        f.save(StateSnapshot.EMPTY);
        assertThat(f.load()).contains(StateSnapshot.EMPTY);
        assertThat(dir.resolve("state.tmp")).doesNotExist();
    }

    @Test
    void aTruncatedFileIsRefusedLoudly() throws Exception {
        StateFile f = new StateFile(dir.resolve("state"));
        f.save(Samples.everything());
        byte[] data = Files.readAllBytes(f.path());
        Files.write(f.path(), java.util.Arrays.copyOf(data, data.length / 2));
        assertThatThrownBy(f::load).isInstanceOf(CorruptStateFileException.class)
            .hasMessageContaining(f.path().toString());
    }
}
