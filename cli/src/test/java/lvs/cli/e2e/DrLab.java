package lvs.cli.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One seed-003 DR lab for a test, built by {@code bin/lvs-lab dr-up} (see bin/lib/lab-dr.sh): client
 * behind a bridge that also reaches both real servers, the director (lvsd) with the VIP, web1 and web2
 * prepared by {@code bin/lvs-realserver}. Namespace names are unique per test; lvsd and ipvsadm run
 * from the test class path ({@code LVS_CLASSPATH}). {@link #close} removes everything.
 */
final class DrLab implements AutoCloseable {
    static final String VIP = "198.18.0.254";
    static final String WEB1 = "198.18.1.12";
    static final String WEB2 = "198.18.1.13";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String name;
    private final Path projectDir = NatLab.projectDir();
    private boolean up;

    private DrLab(String name) {
        this.name = name;
    }

    /** Builds a lab; {@code options} as for {@code lvs-lab dr-up} ({@code --vip-on lo}, {@code --sink-port P}...). */
    static DrLab up(String... options) throws Exception {
        DrLab lab = new DrLab("lvsdre2e" + ProcessHandle.current().pid() % 100000 + "x" + COUNTER.incrementAndGet());
        List<String> cmd = new ArrayList<>(List.of(lab.bin("lvs-lab"), "dr-up", lab.name));
        cmd.addAll(List.of(options));
        lab.up = true; // dr-up cleans up after itself on failure; close() is harmless either way
        NatLab.Result r = run(cmd, 90);
        if (r.status() != 0) {
            lab.close();
            throw new IllegalStateException("lvs-lab dr-up failed: " + r);
        }
        return lab;
    }

    String bin(String program) {
        return projectDir.resolve("bin").resolve(program).toString();
    }

    /** bin/ipvsadm in the director namespace against this lab's lvsd; fails the test on a non-zero status. */
    String ipvsadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "ipvsadm", name));
        cmd.addAll(List.of(args));
        NatLab.Result r = run(cmd, 30);
        if (r.status() != 0) {
            throw new AssertionError("ipvsadm " + String.join(" ", args) + " failed: " + r);
        }
        return r.out();
    }

    /** A command in one of the lab's namespaces: client, director, lan, web1, web2. */
    NatLab.Result exec(String role, long timeoutSeconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "exec", name, role));
        cmd.addAll(List.of(command));
        return run(cmd, timeoutSeconds);
    }

    /** curl from the client, bounded; the body, or "(failed N)". */
    String curl(String url) throws Exception {
        NatLab.Result r = exec("client", 10, "curl", "-s", "--connect-timeout", "2", "-m", "4", url);
        return r.status() == 0 ? r.out().trim() : "(failed " + r.status() + ")";
    }

    String lvsdLog() {
        try {
            return Files.readString(Path.of("/tmp/lvs-lab", name, "lvsd.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The 4 MiB file every real server serves as /bulk.bin. */
    Path bulkFile() {
        return Path.of("/tmp/lvs-lab", name, "bulk.bin");
    }

    static NatLab.Result run(List<String> cmd, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVS_CLASSPATH",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        Path out = Files.createTempFile("lvs-e2e", ".out");
        Path err = Files.createTempFile("lvs-e2e", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new NatLab.Result(-1, Files.readString(out, StandardCharsets.UTF_8),
                    "timed out after " + timeoutSeconds + " s\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new NatLab.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Override
    public void close() throws Exception {
        if (up) {
            up = false;
            run(List.of(bin("lvs-lab"), "down", name), 60);
        }
    }
}
