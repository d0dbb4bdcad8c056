package lvs.cli.client;

import java.io.File;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts lvsd in the background when no lvsd answers, as ipvsadm runs {@code modprobe ip_vs} when
 * the kernel has no IPVS: detached in its own session (so the caller's Ctrl-C or exit does not
 * stop it), stdin from /dev/null, output appended to a log file. Only the slow path loads this.
 */
final class LvsdStarter {
    /** How long to wait for the new lvsd's socket; a JVM start on a loaded 2-CPU box can take seconds. */
    private static final long WAIT_MILLIS = 20_000;

    private final Map<String, String> env;
    private final String socket;

    LvsdStarter(Map<String, String> env, String socket) {
        this.env = env;
        this.socket = socket;
    }

    /** Where the auto-started lvsd logs: $LVSD_LOG, /var/log/lvsd.log for the default socket, else next to the socket. */
    static String logFile(Map<String, String> env, String socket) {
        String log = env.get("LVSD_LOG");
        if (log != null && !log.isEmpty()) {
            return log;
        }
        return socket.equals(IpvsadmClient.DEFAULT_SOCKET) ? "/var/log/lvsd.log" : socket + ".log";
    }

    /** Starts lvsd and waits for its socket; null on success, else why not (one line, says how to start it). */
    String startAndWait() {
        String home = System.getProperty("lvs.home");
        String lvsd = home == null ? null : home + "/bin/lvsd";
        String log = logFile(env, socket);
        String howTo = "start it with: " + (lvsd == null ? "bin/lvsd" : lvsd) + " --socket " + socket;
        if (lvsd == null || !Files.isExecutable(Path.of(lvsd))) {
            return "lvsd is not running on " + socket + " and was not found to start; " + howTo;
        }
        Process p;
        try {
            File logFile = new File(log);
            File dir = logFile.getAbsoluteFile().getParentFile();
            if (dir != null) {
                dir.mkdirs();
            }
            ProcessBuilder pb = new ProcessBuilder(List.of("setsid", lvsd, "--socket", socket));
            pb.redirectInput(new File("/dev/null"));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile));
            pb.redirectErrorStream(true);
            p = pb.start();
        } catch (IOException e) {
            return "lvsd is not running on " + socket + " and could not be started (" + e.getMessage() + "); " + howTo;
        }
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try (ByteChannel ignored = IpvsadmClient.connectTo(socket)) {
                return null;
            } catch (IOException notYet) {
                // keep waiting
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                return "lvsd is not running on " + socket + " and failed to start (exit " + p.exitValue()
                    + ", see " + log + "); " + howTo;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "lvsd is not running on " + socket + " and did not open its socket within "
            + WAIT_MILLIS / 1000 + " s (see " + log + "); " + howTo;
    }
}
