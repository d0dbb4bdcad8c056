package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * packaging/: install.sh, the systemd units and ipvsadm-service, without systemd. The units'
 * Exec lines are read from the installed unit files and run as systemd would, inside a network
 * namespace of this test's own (lvsd there has no NIC: control plane only, no packets), against an
 * lvsd on a private socket. Needs root (namespaces); skipped otherwise or with -Dlvs.e2e=false.
 */
@Timeout(180)
class PackagingTest {
    private static final Path PROJECT = NatLab.projectDir();

    @BeforeAll
    static void needsRoot() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespace)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")), "ip missing");
    }

    private record Result(int status, String out) {
    }

    @Test
    void installThenUninstallLeavesDestdirEmpty() throws Exception {
        Path destdir = Files.createTempDirectory("lvs-destdir");
        Path build = fakeBuild();
        try {
            Map<String, String> env = Map.of("DESTDIR", destdir.toString(), "PREFIX", "/usr",
                "LVS_BUILD_DIR", build.toString());
            Result install = run(List.of(PROJECT.resolve("packaging/install.sh").toString(), "install"), env);
            assertThat(install.status()).as(install.out()).isZero();
            for (String p : new String[] {"usr/sbin/ipvsadm", "usr/sbin/ipvsadm-save", "usr/sbin/ipvsadm-restore",
                "usr/sbin/lvsd", "usr/lib/lvs/bin/lvsd", "usr/lib/lvs/cli/target/lvs-cli.jar",
                "usr/lib/lvs/cli/target/lib/dep.jar", "usr/lib/lvs/ipvsadm-service",
                "usr/lib/systemd/system/lvsd.service", "usr/lib/systemd/system/ipvsadm.service",
                "etc/sysconfig/ipvsadm-config"}) {
                assertThat(destdir.resolve(p)).as(p).exists();
            }
            assertThat(Files.readSymbolicLink(destdir.resolve("usr/sbin/ipvsadm")).toString())
                .isEqualTo("../lib/lvs/bin/ipvsadm");
            assertThat(Files.readString(destdir.resolve("usr/lib/systemd/system/ipvsadm.service")))
                .contains("ExecStart=/usr/lib/lvs/ipvsadm-service start").contains("Requires=lvsd.service")
                .doesNotContain("@").doesNotContain(destdir.toString());
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(destdir.resolve("etc/sysconfig/ipvsadm-config")))).isEqualTo("rw-------");
            if (Files.exists(PROJECT.resolve("docs/ipvsadm.8"))) {
                assertThat(destdir.resolve("usr/share/man/man8/ipvsadm.8")).exists();
            }
            Result again = run(List.of(PROJECT.resolve("packaging/install.sh").toString(), "install"), env);
            assertThat(again.status()).as("a second install refuses").isNotZero();

            Result uninstall = run(List.of(PROJECT.resolve("packaging/install.sh").toString(), "uninstall"), env);
            assertThat(uninstall.status()).as(uninstall.out()).isZero();
            try (Stream<Path> left = Files.list(destdir)) {
                assertThat(left.toList()).as("left in DESTDIR").isEmpty();
            }
        } finally {
            deleteTree(destdir);
            deleteTree(build);
        }
    }

    @Test
    void saveOnStopThenRestoreOnStartGivesBackTheSameTable() throws Exception {
        Path root = Files.createTempDirectory("lvs-prefix");
        Path build = fakeBuild();
        String ns = "lvspkg" + ProcessHandle.current().pid() % 100000;
        Path socket = root.resolve("run/lvsd.sock");
        Files.createDirectories(socket.getParent());
        Process lvsd = null;
        try {
            // Installed with real paths (no DESTDIR), so the units' Exec lines run as they stand.
            Map<String, String> installEnv = Map.of("PREFIX", root.resolve("usr").toString(), "SYSCONFDIR",
                root.resolve("etc/sysconfig").toString(), "LVS_BUILD_DIR", build.toString());
            Result install = run(List.of(PROJECT.resolve("packaging/install.sh").toString()), installEnv);
            assertThat(install.status()).as(install.out()).isZero();
            assertThat(run(List.of("ip", "netns", "add", ns), Map.of()).status()).isZero();

            Path units = root.resolve("usr/lib/systemd/system");
            Path sysconfig = root.resolve("etc/sysconfig");
            Path data = sysconfig.resolve("ipvsadm");
            Path config = sysconfig.resolve("ipvsadm-config");
            String ipvsadm = root.resolve("usr/sbin/ipvsadm").toString();

            lvsd = startLvsd(ns, exec(units.resolve("lvsd.service"), "ExecStart").get(0), socket, "1");
            waitForLvsd(ns, socket, units);
            String[][] rules = {
                {"-A", "-t", "198.18.0.11:80", "-s", "wrr"},
                {"-a", "-t", "198.18.0.11:80", "-r", "198.18.1.12", "-m", "-w", "1"},
                {"-a", "-t", "198.18.0.11:80", "-r", "198.18.1.13:8080", "-m", "-w", "2"},
                {"-A", "-u", "198.18.0.11:53", "-s", "sh", "-p", "600", "-M", "255.255.255.0"},
                {"-a", "-u", "198.18.0.11:53", "-r", "198.18.1.14", "-g", "-x", "100", "-y", "10"},
                {"-A", "-f", "7", "-s", "rr"},
                {"-a", "-f", "7", "-r", "198.18.1.12", "-m"},
                {"--set", "900", "120", "300"},
            };
            for (String[] r : rules) {
                List<String> cmd = new ArrayList<>(List.of(ipvsadm));
                cmd.addAll(List.of(r));
                Result rr = inNs(ns, socket, String.join(" ", cmd));
                assertThat(rr.status()).as(String.join(" ", r) + ": " + rr.out()).isZero();
            }
            String before = inNs(ns, socket, ipvsadm + " -S -n").out();
            assertThat(before).contains("-A -f 7 -s rr").contains("-a -t 198.18.0.11:80 -r 198.18.1.13:8080 -m -w 2");

            // Start without a rules file fails, as Fedora's unit does.
            String start = exec(units.resolve("ipvsadm.service"), "ExecStart").get(0);
            assertThat(inNs(ns, socket, start).status()).isEqualTo(6);

            // Stop with the default config (no save): flushed, nothing written.
            String stop = exec(units.resolve("ipvsadm.service"), "ExecStop").get(0);
            Result stopped = inNs(ns, socket, stop);
            assertThat(stopped.status()).as(stopped.out()).isZero();
            assertThat(data).doesNotExist();
            assertThat(inNs(ns, socket, ipvsadm + " -S -n").out()).isEmpty();
            restore(ns, socket, ipvsadm, before);

            // IPVS_SAVE_ON_STOP="yes": stop saves, then flushes.
            setConfig(config, "IPVS_SAVE_ON_STOP", "yes");
            stopped = inNs(ns, socket, stop);
            assertThat(stopped.status()).as(stopped.out()).isZero();
            assertThat(Files.readString(data)).isEqualTo(before);
            assertThat(inNs(ns, socket, ipvsadm + " -S -n").out()).isEmpty();

            // A reboot: a new lvsd with an empty state file, then the unit's start.
            stop(lvsd);
            Files.deleteIfExists(Path.of(socket + ".state"));
            lvsd = startLvsd(ns, exec(units.resolve("lvsd.service"), "ExecStart").get(0), socket, "2");
            waitForLvsd(ns, socket, units);
            assertThat(inNs(ns, socket, ipvsadm + " -S -n").out()).isEmpty();
            Result started = inNs(ns, socket, start);
            assertThat(started.status()).as(started.out()).isZero();
            assertThat(inNs(ns, socket, ipvsadm + " -S -n").out()).as("byte for byte").isEqualTo(before);

            // A restart saves only with IPVS_SAVE_ON_RESTART="yes" (IPVS_SAVE_ON_STOP does not apply).
            Files.delete(data);
            setConfig(config, "IPVS_SAVE_ON_STOP", "yes");
            Result restartNoSave = inNs(ns, socket, "IPVSADM_RESTARTING=1 " + stop);
            assertThat(restartNoSave.status()).as(restartNoSave.out()).isZero();
            assertThat(data).doesNotExist();
            restore(ns, socket, ipvsadm, before);
            setConfig(config, "IPVS_SAVE_ON_RESTART", "yes");
            Result restartSave = inNs(ns, socket, "IPVSADM_RESTARTING=1 " + stop);
            assertThat(restartSave.status()).as(restartSave.out()).isZero();
            assertThat(Files.readString(data)).isEqualTo(before);
        } finally {
            if (lvsd != null) {
                stop(lvsd);
            }
            run(List.of("sh", "-c", "for p in $(ip netns pids " + ns + " 2>/dev/null); do kill -9 $p; done; "
                + "ip netns del " + ns + " 2>/dev/null; true"), Map.of());
            deleteTree(root);
            deleteTree(build);
        }
    }

    /** lvsd.service's ExecStartPost: returns once lvsd answers. */
    private static void waitForLvsd(String ns, Path socket, Path units) throws Exception {
        for (String line : exec(units.resolve("lvsd.service"), "ExecStartPost")) {
            Result r = inNs(ns, socket, line);
            if (r.status() != 0) {
                StringBuilder logs = new StringBuilder();
                for (String tag : new String[] {"1", "2"}) {
                    Path log = Path.of(socket + "." + tag + ".log");
                    logs.append(Files.exists(log) ? Files.readString(log) : "");
                }
                throw new AssertionError(line + ": " + r.out() + "\nlvsd:\n" + logs);
            }
        }
    }

    /** Loads {@code rules} (ipvsadm -S output) back through ipvsadm -R. */
    private static void restore(String ns, Path socket, String ipvsadm, String rules) throws Exception {
        Path f = Files.createTempFile("lvs-rules", ".txt");
        try {
            Files.writeString(f, rules);
            Result r = inNs(ns, socket, ipvsadm + " -R < " + f);
            assertThat(r.status()).as(r.out()).isZero();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void setConfig(Path config, String name, String value) throws IOException {
        String text = Files.readString(config).replaceAll("(?m)^" + name + "=.*$", name + "=\"" + value + "\"");
        Files.writeString(config, text);
    }

    /** The values of {@code key=} lines of a unit file, in order. */
    private static List<String> exec(Path unit, String key) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(unit)) {
            if (line.startsWith(key + "=")) {
                lines.add(line.substring(key.length() + 1));
            }
        }
        assertThat(lines).as(key + " in " + unit).isNotEmpty();
        return lines;
    }

    private static Process startLvsd(String ns, String execStart, Path socket, String tag) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, "sh", "-c", "exec " + execStart);
        env(pb.environment(), socket);
        pb.redirectErrorStream(true).redirectOutput(Path.of(socket + "." + tag + ".log").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM, as systemd stops lvsd.service
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A shell command line inside the namespace, as systemd would run an Exec line, with lvsd's socket. */
    private static Result inNs(String ns, Path socket, String commandLine) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        env(env, socket);
        return run(List.of("ip", "netns", "exec", ns, "sh", "-c", commandLine), env);
    }

    private static void env(Map<String, String> env, Path socket) {
        env.put("LVSD_SOCKET", socket.toString());
        env.put("LVS_CLASSPATH", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    }

    private static Result run(List<String> command, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        Path out = Files.createTempFile("lvs-pkg", ".out");
        try {
            pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A stand-in for cli/target: the installed launchers run from LVS_CLASSPATH in these tests. */
    private static Path fakeBuild() throws IOException {
        Path build = Files.createTempDirectory("lvs-build");
        Files.createDirectories(build.resolve("lib"));
        Files.writeString(build.resolve("lvs-cli.jar"), "stand-in");
        Files.writeString(build.resolve("lib/dep.jar"), "stand-in");
        return build;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
