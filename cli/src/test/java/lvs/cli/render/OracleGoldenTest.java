package lvs.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays each script in the test resources against the table and the renderers and compares the
 * transcript byte for byte with what the real ipvsadm 1.31 printed through the oracle shim
 * ({@code regen.sh} makes the {@code .expected} files).
 */
class OracleGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"t2-nat", "sorting", "hash-order", "flags", "names", "empty", "daemons", "connections"})
    void matchesTheRealIpvsadm(String name) throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("t2-nat.ipvs").toURI()).getParent();
        NameResolver names = new SystemNameResolver(dir.resolve("names.hosts"), dir.resolve("services.subset"), false);
        List<lvs.table.ConnectionView> connections = ProcConnections.parse(Files.readAllLines(dir.resolve("connections.conn")));
        String actual = new MiniIpvsadm(names, connections).transcript(dir.resolve(name + ".ipvs"));
        String expected = Files.readString(dir.resolve(name + ".expected"), StandardCharsets.UTF_8);
        assertThat(actual).isEqualTo(expected);
    }
}
