package lvs.cli.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One LVS-TUN lab for a test, built by {@code bin/lvs-lab tun-up} (bin/lib/lab-tun.sh): the DR lab's
 * namespaces (client behind a bridge that also reaches both real servers, director, lan), with web1 and
 * web2 prepared by {@code bin/lvs-realserver --mode tun}, i.e. the user-space decapsulator. Unique
 * names per test; everything runs from the test class path ({@code LVS_CLASSPATH}, see
 * {@link DrLab#run}); {@link #close} removes the lab.
 */
final class TunLab implements AutoCloseable {
    static final String VIP = DrLab.VIP;
    static final String WEB1 = DrLab.WEB1;
    static final String WEB2 = DrLab.WEB2;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String name;
    private final Path projectDir = NatLab.projectDir();
    private boolean up;

    private TunLab(String name) {
        this.name = name;
    }

    /** Builds a lab; {@code options} as for {@code lvs-lab tun-up} ({@code --tun-port P}, {@code --vip-on lo}...). */
    static TunLab up(String... options) throws Exception {
        TunLab lab = new TunLab("lvstune2e" + ProcessHandle.current().pid() % 100000 + "x" + COUNTER.incrementAndGet());
        List<String> cmd = new ArrayList<>(List.of(lab.bin("lvs-lab"), "tun-up", lab.name));
        cmd.addAll(List.of(options));
        lab.up = true; // tun-up removes a half-built lab itself; close() is harmless either way
        NatLab.Result r = DrLab.run(cmd, 120);
        if (r.status() != 0) {
            lab.close();
            throw new IllegalStateException("lvs-lab tun-up failed: " + r);
        }
        return lab;
    }

    String bin(String program) {
        return projectDir.resolve("bin").resolve(program).toString();
    }

    String ipvsadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "ipvsadm", name));
        cmd.addAll(List.of(args));
        NatLab.Result r = DrLab.run(cmd, 30);
        if (r.status() != 0) {
            throw new AssertionError("ipvsadm " + String.join(" ", args) + " failed: " + r);
        }
        return r.out();
    }

    NatLab.Result exec(String role, long timeoutSeconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("lvs-lab"), "exec", name, role));
        cmd.addAll(List.of(command));
        return DrLab.run(cmd, timeoutSeconds);
    }

    /**
     * {@code bin/lvs-realserver ARGS} in a real server's namespace with the lab's state directory and GUE
     * port, as {@code lab-tun.sh} runs it (e.g. to restart it with more VIPs).
     */
    void realserver(String role, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "LVS_REALSERVER_STATE_DIR=/tmp/lvs-lab/" + name + "/realserver",
            "LVS_TUN_PORT=6080", bin("lvs-realserver")));
        cmd.addAll(List.of(args));
        NatLab.Result r = exec(role, 60, cmd.toArray(new String[0]));
        if (r.status() != 0) {
            throw new AssertionError("lvs-realserver " + String.join(" ", args) + " on " + role + " failed: " + r);
        }
    }

    String curl(String url) throws Exception {
        NatLab.Result r = exec("client", 10, "curl", "-s", "--connect-timeout", "2", "-m", "4", url);
        return r.status() == 0 ? r.out().trim() : "(failed " + r.status() + ")";
    }

    /** lvsd's log and both decapsulators' logs, for failure messages. */
    String logs() {
        StringBuilder s = new StringBuilder();
        for (String f : new String[] {"lvsd.log"}) {
            s.append(read(Path.of("/tmp/lvs-lab", name, f)));
        }
        try (var files = Files.walk(Path.of("/tmp/lvs-lab", name, "realserver"))) {
            files.filter(p -> p.getFileName().toString().equals("decapsulator.log"))
                .forEach(p -> s.append("\n").append(p).append(":\n").append(read(p)));
        } catch (java.io.IOException e) {
            s.append("\n(no decapsulator logs: ").append(e).append(')');
        }
        return s.toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no " + p + ": " + e + ")";
        }
    }

    Path bulkFile() {
        return Path.of("/tmp/lvs-lab", name, "bulk.bin");
    }

    @Override
    public void close() throws Exception {
        if (up) {
            up = false;
            DrLab.run(List.of(bin("lvs-lab"), "down", name), 60);
        }
    }
}
