package lvs.cli.ipvsadm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import lvs.table.IpvsControl;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;

/**
 * Runs an oracle script ({@code /work/shared/tools/ipvsadm-oracle} format) through {@link Ipvsadm#run}
 * against one fresh in-memory table, and prints the transcript exactly as the oracle's shell script does.
 */
final class OracleScriptRunner {
    private final IpvsadmEnvironment environment;

    OracleScriptRunner(IpvsadmEnvironment environment) {
        this.environment = environment;
    }

    /** A table like the oracle host's kernel: interfaces eth0 (MTU 1500) and lo, salt 0, no traffic. */
    static VirtualServerTable freshTable() {
        return new VirtualServerTable(StatsSource.ZEROS, name -> switch (name) {
            case "eth0" -> OptionalInt.of(1500);
            case "lo" -> OptionalInt.of(65536);
            default -> OptionalInt.empty();
        }, 0);
    }

    String transcript(Path script) throws IOException {
        return transcript(script, freshTable());
    }

    String transcript(Path script, IpvsControl table) throws IOException {
        Path dir = script.toAbsolutePath().getParent();
        StringBuilder t = new StringBuilder();
        byte[] previousOut = new byte[0];
        Map<String, byte[]> saved = new HashMap<>();
        for (String raw : Files.readAllLines(script, StandardCharsets.UTF_8)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                t.append(line).append('\n');
                continue;
            }
            if (line.matches("@save\\s.*")) {
                saved.put(line.substring(5).replaceAll("\\s", ""), previousOut);
                t.append(line).append('\n');
                continue;
            }
            byte[] stdin = new byte[0];
            String shown = line;
            List<String> args;
            if (line.matches("<\\s.*")) {
                String rest = line.substring(1);
                List<String> words = XargsWords.split(rest);
                String file = words.get(0);
                args = words.subList(1, words.size());
                String tail = rest.stripLeading().substring(file.length()).stripLeading();
                String shownFile;
                if (file.equals("-")) {
                    stdin = previousOut;
                    shownFile = "(previous stdout)";
                } else if (file.startsWith("@")) {
                    stdin = saved.get(file.substring(1));
                    if (stdin == null) {
                        throw new IllegalStateException("nothing saved as " + file);
                    }
                    shownFile = file;
                } else {
                    stdin = Files.readAllBytes(file.startsWith("/") ? Path.of(file) : dir.resolve(file));
                    shownFile = file;
                }
                shown = (tail.isEmpty() ? "" : tail + " ") + "< " + shownFile;
            } else {
                args = XargsWords.split(line);
            }
            t.append("$ ipvsadm ").append(shown).append('\n');
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc;
            try (PrintStream o = new PrintStream(out, false, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, false, StandardCharsets.UTF_8)) {
                rc = Ipvsadm.run("ipvsadm", args, new ByteArrayInputStream(stdin), o, e, table, environment);
            }
            emit(t, "out", out.toByteArray());
            emit(t, "err", err.toByteArray());
            t.append("[exit ").append(rc).append("]\n");
            previousOut = out.toByteArray();
        }
        return t.toString();
    }

    /** The oracle's {@code sed "s/^/$tag| /"} plus its no-newline marker (which sed leaves on the same line). */
    private static void emit(StringBuilder t, String tag, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < n; i++) {
            t.append(tag).append("| ").append(lines[i]);
            if (i < n - 1 || text.endsWith("\n")) {
                t.append('\n');
            }
        }
        if (!text.endsWith("\n")) {
            t.append(tag).append("\\ no newline at end\n");
        }
    }
}
