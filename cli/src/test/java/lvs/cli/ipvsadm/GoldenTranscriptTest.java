package lvs.cli.ipvsadm;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lvs.cli.ipvsadm.values.SystemNameService;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code golden/**}{@code /*.ipvs} script run in-process through {@link Ipvsadm#run} against a
 * fresh {@code VirtualServerTable}, compared byte for byte with the real ipvsadm 1.31's transcript
 * ({@code .expected} next to it, made by the oracle). {@code golden/oracle} is the shared corpus;
 * the other directories are this module's own cases, one area per file.
 */
class GoldenTranscriptTest {
    /** The hosts file the expected transcripts were made with (IPVS_ORACLE_HOSTS_FILE for new ones). */
    static final Path HOSTS = Path.of("/etc/hosts");
    static final Path SERVICES = Path.of("/etc/services");

    static IpvsadmEnvironment filesOnlyEnvironment() {
        return new IpvsadmEnvironment(new SystemNameService(HOSTS, SERVICES, false),
            new FilesOnlyNameResolver(HOSTS, SERVICES));
    }

    @TestFactory
    Stream<DynamicTest> goldenScripts() throws IOException, URISyntaxException {
        Path root = Path.of(GoldenTranscriptTest.class.getResource("/golden").toURI());
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(root)) {
            scripts = files.filter(p -> p.toString().endsWith(".ipvs")).sorted().toList();
        }
        OracleScriptRunner runner = new OracleScriptRunner(filesOnlyEnvironment());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(root.relativize(script).toString(), () -> {
            Path expectedFile = Path.of(script.toString().replaceAll("\\.ipvs$", ".expected"));
            String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
            String actual = runner.transcript(script);
            if (!expected.equals(actual)) {
                fail("transcript of %s differs from the real ipvsadm's:%n%s", script.getFileName(),
                    TranscriptDiff.describe(expected, actual));
            }
        }));
    }
}
