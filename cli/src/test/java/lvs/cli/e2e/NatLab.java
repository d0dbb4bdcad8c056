package lvs.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One seed-000 NAT lab for a test, driven through {@code bin/lvs-lab}: namespaces with unique names,
 * real HTTP servers, lvsd inside the director namespace. lvsd and ipvsadm run from the test's class
 * path ({@code LVS_CLASSPATH}), so no packaged jar is needed. {@link #close} removes everything.
 */
final class NatLab implements AutoCloseable {
    static final String VIP = "198.18.0.11";
    static final String WEB1 = "198.18.1.12";
    static final String WEB2 = "198.18.1.13";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String name;
    private final Path projectDir;
    private boolean up;

    /** Result of one command. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private NatLab(String name, Path projectDir) {
        this.name = name;
        this.projectDir = projectDir;
    }

    static Path projectDir() {
        String p = System.getProperty("lvs.project.dir");
        Path dir = p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent();
        return Files.isRegularFile(dir.resolve("bin/lvs-lab")) ? dir : dir.getParent();
    }

    /** Builds a lab: {@code options} as for {@code lvs-lab up} ({@code --rs-port}, {@code --udp-port}, ...). */
    static NatLab up(String... options) throws Exception {
        String name = "lvse2e" + ProcessHandle.current().pid() % 100000 + "x" + COUNTER.incrementAndGet();
        NatLab lab = new NatLab(name, projectDir());
        List<String> cmd = new ArrayList<>(List.of(lab.bin("lvs-lab"), "up", name));
        cmd.addAll(List.of(options));
        lab.up = true; // "up" cleans up after itself on failure, but close() is harmless either way
        Result r = lab.run(cmd, 60);
        if (r.status() != 0) {
            lab.close();
            throw new IllegalStateException("lvs-lab up failed: " + r);
        }
        return lab;
    }

    String bin(String program) {
        return projectDir.resolve("bin").resolve(program).toString();
    }

    /** bin/ipvsadm in the director namespace against this lab's lvsd. */
    Result ipvsadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "ipvsadm", name));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    /** Like {@link #ipvsadm} but fails the test on a non-zero status. */
    String ipvsadmOk(String... args) throws Exception {
        Result r = ipvsadm(args);
        if (r.status() != 0) {
            throw new AssertionError("ipvsadm " + String.join(" ", args) + " failed: " + r);
        }
        return r.out();
    }

    /** A command in one of the lab's namespaces: client, director, web1, web2, lan. */
    /**
     * One UDP datagram "ping" from the client to VIP:port from a new source port (so a new UDP
     * connection each time); returns "ANSWER FROM_ADDR:PORT", or "(failed) ..." when nothing came back.
     */
    String udpPing(int port) throws Exception {
        Result r = exec("client", 10, "/usr/bin/python3", "-c",
            "import socket\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3)\n"
                + "s.sendto(b'ping',('" + VIP + "'," + port + "));d,a=s.recvfrom(2048)\n"
                + "print(d.decode(),a[0]+':'+str(a[1]))");
        return r.status() == 0 ? r.out().trim() : "(failed) " + r;
    }

    Result exec(String role, long timeoutSeconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "exec", name, role));
        cmd.addAll(List.of(command));
        return run(cmd, timeoutSeconds);
    }

    /** curl from the client, bounded; the body, or "(failed N)". */
    String curl(String url) throws Exception {
        Result r = exec("client", 10, "curl", "-s", "--connect-timeout", "2", "-m", "4", url);
        return r.status() == 0 ? r.out().trim() : "(failed " + r.status() + ")";
    }

    Result stopLvsd(boolean kill9) throws Exception {
        return run(List.of(bin("lvs-lab"), "stop-lvsd", name, kill9 ? "-9" : "-TERM"), 30);
    }

    Result startLvsd() throws Exception {
        return run(List.of(bin("lvs-lab"), "start-lvsd", name), 30);
    }

    String lvsdLog() {
        try {
            return Files.readString(Path.of("/tmp/lvs-lab", name, "lvsd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private Result run(List<String> cmd, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("LVS_CLASSPATH", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        Path out = Files.createTempFile("lvs-e2e", ".out");
        Path err = Files.createTempFile("lvs-e2e", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(out, StandardCharsets.UTF_8),
                    "timed out after " + timeoutSeconds + " s\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
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
