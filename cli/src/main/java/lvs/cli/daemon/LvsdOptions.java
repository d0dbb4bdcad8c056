package lvs.cli.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lvsd's command line. The state file defaults to /var/lib/lvsd/state only for the default socket;
 * an lvsd on any other socket (a test, a lab, the ipvsadm oracle) keeps its state next to that
 * socket ({@code SOCKET.state}), so private instances never share or clobber the system's rules.
 */
public record LvsdOptions(Path socket, Path stateFile, List<String> interfaces, boolean controlOnly) {
    public static final String DEFAULT_SOCKET = "/run/lvsd/lvsd.sock";
    public static final String DEFAULT_STATE_FILE = "/var/lib/lvsd/state";

    public static final String USAGE = """
        Usage: lvsd [--socket PATH] [--state-file PATH] [--interface IF]... [--control-only]
          --socket PATH      control socket (env LVSD_SOCKET; default %s)
          --state-file PATH  where the rules are kept across restarts (env LVSD_STATE_FILE; default
                             %s for the default socket, else SOCKET.state)
          --interface IF     forward packets on IF (may be repeated; default: every usable interface)
          --control-only     no packet forwarding: serve ipvsadm and keep the rules only
        lvsd runs in the foreground; SIGTERM or SIGINT stops it cleanly.
        """.formatted(DEFAULT_SOCKET, DEFAULT_STATE_FILE);

    /** Bad command line; the message is for the user. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public static LvsdOptions parse(String[] args, Map<String, String> env) throws UsageException {
        String socket = nonEmpty(env.get("LVSD_SOCKET"));
        String state = nonEmpty(env.get("LVSD_STATE_FILE"));
        List<String> interfaces = new ArrayList<>();
        boolean controlOnly = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--socket", "--state-file", "--interface" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("lvsd: option " + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        throw new UsageException("lvsd: option " + name + " needs a non-empty value");
                    }
                    switch (name) {
                        case "--socket" -> socket = value;
                        case "--state-file" -> state = value;
                        default -> interfaces.add(value);
                    }
                }
                case "--control-only" -> controlOnly = true;
                case "-h", "--help" -> throw new UsageException(null);
                default -> throw new UsageException("lvsd: unknown option " + a);
            }
        }
        if (socket == null) {
            socket = DEFAULT_SOCKET;
        }
        if (state == null) {
            state = socket.equals(DEFAULT_SOCKET) ? DEFAULT_STATE_FILE : socket + ".state";
        }
        return new LvsdOptions(Path.of(socket).toAbsolutePath(), Path.of(state).toAbsolutePath(),
            List.copyOf(interfaces), controlOnly);
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
