package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lvs.persist.StateFile;
import lvs.persist.StateSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real bin/lvsd and bin/ipvsadm, as root, inside a network namespace this test creates and
 * always deletes. The programs run from the test's class path ({@code LVS_CLASSPATH}) because the
 * cli jar is only packaged after the test phase. Skipped when not root, or with {@code -Dlvs.e2e=false}.
 */
@Timeout(300)
class LvsdEndToEndTest {
    private static final String PERMISSION_DENIED = "Can't initialize ipvs: Permission denied (you must be root)\n"
        + "Are you sure that IP Virtual Server is built in the kernel or as module?\n";
    private static String ns;
    private static Path project;
    private static Path work;
    private static String classPath;

    private Path socket;
    private Process lvsd;

    @BeforeAll
    static void createNamespace() throws Exception {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces)");
        project = Path.of(System.getProperty("lvs.project.dir", "..")).toAbsolutePath().normalize();
        classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ns = "lvs-test-" + UUID.randomUUID().toString().substring(0, 8);
        must(List.of("ip", "netns", "add", ns));
        must(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        work = Files.createTempDirectory("lvsd-e2e");
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if (ns == null) {
            return;
        }
        // every process in the namespace is one this test started (lvsd, possibly auto-started)
        for (String pid : exec(List.of("ip", "netns", "pids", ns), null, 10).out().split("\\s+")) {
            if (!pid.isBlank()) {
                exec(List.of("kill", "-9", pid), null, 10);
            }
        }
        exec(List.of("ip", "netns", "del", ns), null, 10);
        if (work != null) {
            exec(List.of("rm", "-rf", work.toString()), null, 10);
        }
    }

    @BeforeEach
    void freshSocket() throws IOException {
        socket = Files.createTempDirectory(work, "t").resolve("lvsd.sock");
    }

    @AfterEach
    void stopLvsd() throws Exception {
        if (lvsd != null && lvsd.isAlive()) {
            lvsd.destroyForcibly();
            lvsd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void configuresListsSavesAndSurvivesARestart() throws Exception {
        startLvsd();
        assertThat(ipvsadm("-A", "-t", "198.18.0.11:80", "-s", "wrr").status()).isZero();
        assertThat(ipvsadm("-a", "-t", "198.18.0.11:80", "-r", "198.18.1.12:80", "-m", "-w", "1").status()).isZero();
        assertThat(ipvsadm("-a", "-t", "198.18.0.11:80", "-r", "198.18.1.13:80", "-m", "-w", "2").status()).isZero();
        Run again = ipvsadm("-A", "-t", "198.18.0.11:80", "-s", "wrr");
        assertThat(again.status()).isEqualTo(255);
        assertThat(again.err()).isEqualTo("Service already exists\n");
        Run list = ipvsadm("-Ln");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("TCP  198.18.0.11:80 wrr\n")
            .contains("  -> 198.18.1.12:80               Masq    1      0          0         \n")
            .contains("  -> 198.18.1.13:80               Masq    2      0          0         \n");
        String saved = ipvsadm("-S", "-n").out();

        assertThat(stopLvsd(false)).as("SIGTERM exit status").isZero();
        assertThat(socket).doesNotExist();
        assertThat(stateFile().load()).get().extracting(StateSnapshot::ruleCount).isEqualTo(3);

        startLvsd();
        assertThat(ipvsadm("-S", "-n").out()).isEqualTo(saved);
        assertThat(ipvsadm("-Ln").out()).isEqualTo(list.out());
    }

    @Test
    void kill9DuringALongRestoreKeepsAPrefixAndAnIntactFile() throws Exception {
        startLvsd();
        int services = 40_000;
        StringBuilder rules = new StringBuilder();
        List<String> vips = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String vip = "198.18." + (i >> 8) + "." + (i & 255) + ":80";
            String rip = "198.19." + (i >> 8) + "." + (i & 255) + ":8080";
            vips.add(vip);
            rules.append("-A -t ").append(vip).append(" -s rr\n");
            rules.append("-a -t ").append(vip).append(" -r ").append(rip).append(" -m -w 1\n");
        }
        Path input = work.resolve("rules-" + UUID.randomUUID());
        Files.writeString(input, rules);

        Process restore = start(List.of("-R"), input.toFile());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // wait for a periodic save in the middle of the restore, then kill lvsd without warning
        while (restore.isAlive() && System.nanoTime() < deadline && savedRules() == 0) {
            Thread.sleep(20);
        }
        boolean midway = restore.isAlive();
        long pid = lvsd.pid();
        exec(List.of("kill", "-9", Long.toString(lvsd.pid())), null, 10);
        lvsd.waitFor(10, TimeUnit.SECONDS);
        restore.waitFor(30, TimeUnit.SECONDS);
        System.out.println("kill -9 of lvsd " + pid + (midway ? " during" : " after") + " the restore; saved "
            + savedRules() + " of " + 2 * services + " rules");

        StateSnapshot onDisk = stateFile().load().orElseThrow(); // parses: complete and intact
        startLvsd();
        String save = ipvsadm("-S", "-n").out();
        Set<String> restoredVips = new LinkedHashSet<>();
        Set<String> restoredReals = new LinkedHashSet<>();
        Matcher m = Pattern.compile("^-([Aa]) -t (\\S+)(?: -r (\\S+))?", Pattern.MULTILINE).matcher(save);
        while (m.find()) {
            (m.group(1).equals("A") ? restoredVips : restoredReals).add(m.group(2));
        }
        int k = restoredVips.size();
        assertThat(k).isEqualTo(onDisk.services().size());
        // a prefix of the input: the first k services, each with its real server except perhaps the last
        assertThat(restoredVips).containsExactlyInAnyOrderElementsOf(vips.subList(0, k));
        assertThat(restoredReals.size()).isBetween(Math.max(0, k - 1), k);
        assertThat(vips.subList(0, restoredReals.size())).containsExactlyInAnyOrderElementsOf(restoredReals);
    }

    @Test
    void aNonRootUserIsRefusedAndChangesNothing() throws Exception {
        startLvsd();
        assertThat(ipvsadm("-A", "-t", "198.18.0.11:80", "-s", "rr").status()).isZero();
        String before = ipvsadm("-S", "-n").out();
        String classes = project.resolve("cli/target/classes").toString();
        // the socket's mode stops nobody at connect time ...
        for (String[] args : new String[][] {{"-Ln"}, {"-C"}}) {
            Run r = asNobody(classes, args);
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).isEqualTo(PERMISSION_DENIED);
            assertThat(r.out()).isEmpty();
        }
        // ... and lvsd's SO_PEERCRED check stops nobody even when the mode would let it in
        Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(socket.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String[] args : new String[][] {{"-Ln"}, {"-C"}, {"-A", "-t", "198.18.0.12:80"}}) {
            Run r = asNobody(classes, args);
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).isEqualTo(PERMISSION_DENIED);
        }
        assertThat(ipvsadm("-S", "-n").out()).isEqualTo(before);
    }

    @Test
    void rootStartsLvsdWhenNoneAnswers() throws Exception {
        Run r = ipvsadm("-A", "-t", "198.18.0.20:80", "-s", "rr"); // no lvsd yet: the client starts one
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(ipvsadm("-Ln").out()).contains("TCP  198.18.0.20:80 rr");
        assertThat(Files.readString(Path.of(socket + ".log"))).contains("listening on " + socket);
    }

    @Test
    void aDamagedStateFileStopsTheStartLoudly() throws Exception {
        startLvsd();
        ipvsadm("-A", "-t", "198.18.0.11:80", "-s", "rr");
        stopLvsd(false);
        byte[] data = Files.readAllBytes(stateFile().path());
        Files.write(stateFile().path(), java.util.Arrays.copyOf(data, data.length - 3));
        Process p = lvsdProcess();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log())).contains("refusing to start: the state file is damaged");
        assertThat(socket).doesNotExist();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private record Run(int status, String out, String err) {
    }

    private StateFile stateFile() {
        return new StateFile(Path.of(socket + ".state"));
    }

    private int savedRules() {
        try {
            return stateFile().load().map(StateSnapshot::ruleCount).orElse(0);
        } catch (Exception e) {
            throw new AssertionError("the state file must parse at every instant", e);
        }
    }

    private Path log() {
        return socket.resolveSibling("lvsd.log");
    }

    private Process lvsdProcess() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, project.resolve("bin/lvsd").toString(),
            "--socket", socket.toString(), "--control-only");
        pb.environment().put("LVS_CLASSPATH", classPath);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        return pb.start();
    }

    private void startLvsd() throws Exception {
        lvsd = lvsdProcess();
        // Wait for this lvsd's own "listening on" line, not for the socket file: after a kill -9 the dead
        // lvsd's socket file is still there, and an ipvsadm sent to it before the new lvsd has restored the
        // state file and bound the socket would start a second lvsd of its own (the auto-start).
        String listening = "pid " + lvsd.pid() + ")";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log()) || !Files.readString(log()).contains(listening)) {
            if (!lvsd.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("lvsd did not start:\n" + Files.readString(log()));
            }
            Thread.sleep(20);
        }
        Run probe = ipvsadm("-Ln");
        assumeTrue(!probe.err().contains("not yet written"), "ipvsadm is not implemented yet");
    }

    private int stopLvsd(boolean kill9) throws Exception {
        exec(List.of("kill", kill9 ? "-9" : "-TERM", Long.toString(lvsd.pid())), null, 10);
        assertThat(lvsd.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return lvsd.exitValue();
    }

    private Process start(List<String> args, File stdin) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "LVSD_SOCKET=" + socket,
            "LVS_CLASSPATH=" + classPath, project.resolve("bin/ipvsadm").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(stdin == null ? new File("/dev/null") : stdin);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private Run ipvsadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "LVSD_SOCKET=" + socket,
            "LVS_CLASSPATH=" + classPath, project.resolve("bin/ipvsadm").toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, null, 120);
    }

    private Run asNobody(String classes, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=65534",
            "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "LVSD_SOCKET=" + socket, "LVS_CLASSPATH=" + classes,
            project.resolve("bin/ipvsadm").toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, work.toFile(), 120);
    }

    private static void must(List<String> cmd) throws Exception {
        Run r = exec(cmd, null, 30);
        if (r.status() != 0) {
            throw new IOException(cmd + " failed: " + r.err());
        }
    }

    private static Run exec(List<String> cmd, File dir, int timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("e2e", ".out");
        Path err = Files.createTempFile("e2e", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            if (dir != null) {
                pb.directory(dir);
            }
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " timed out");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
