package lvs.cli.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * lvsd's command line, parsed by picocli (the daemon starts once, so picocli's start-up cost does
 * not matter here; ipvsadm's own grammar is popt's and has its own tokenizer, docs/cli-parsing.md).
 * The state file defaults to /var/lib/lvsd/state only for the default socket; an lvsd on any other
 * socket (a test, a lab, the ipvsadm oracle) keeps its state next to that socket
 * ({@code SOCKET.state}), so private instances never share or clobber the system's rules.
 */
public record LvsdOptions(Path socket, Path stateFile, List<String> interfaces, boolean controlOnly,
                          ReceivePath rx, PacketIoKind io) {
    public static final String DEFAULT_SOCKET = "/run/lvsd/lvsd.sock";
    public static final String DEFAULT_STATE_FILE = "/var/lib/lvsd/state";

    /**
     * How the AF_PACKET backend receives (docs/packet-io.md): {@code recvmmsg} batches (a frame is
     * readable the moment it arrives), a TPACKET_V3 mmap ring (no syscall per batch, but a frame waits
     * up to 1 ms for its block), or auto (the default): recvmmsg, and the ring while recvmmsg falls behind.
     */
    public enum ReceivePath {
        AUTO("auto"), RING("ring"), RECVMMSG("recvmmsg");

        /** The name on the command line. */
        public final String optionValue;

        ReceivePath(String optionValue) {
            this.optionValue = optionValue;
        }

        static ReceivePath fromOption(String value) throws UsageException {
            return named(values(), p -> p.optionValue, value, "--rx", "receive path");
        }
    }

    /**
     * The packet I/O backend (docs/packet-io.md): AF_PACKET alone (the default), or AF_XDP for the
     * traffic lvsd forwards, with AF_PACKET for the rest (opt-in; needs XDP sockets and bpf(2)).
     */
    public enum PacketIoKind {
        AF_PACKET("af_packet"), XDP("xdp");

        /** The name on the command line. */
        public final String optionValue;

        PacketIoKind(String optionValue) {
            this.optionValue = optionValue;
        }

        static PacketIoKind fromOption(String value) throws UsageException {
            return named(values(), k -> k.optionValue, value, "--io", "packet I/O");
        }
    }

    /**
     * The constant of {@code values} whose command-line name is {@code value}; else a usage error that
     * lists the names ("a, b or c").
     */
    private static <E> E named(E[] values, java.util.function.Function<E, String> name, String value, String option,
                               String what) throws UsageException {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String n = name.apply(values[i]);
            if (n.equals(value)) {
                return values[i];
            }
            names.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(n);
        }
        throw new UsageException("lvsd: option " + option + ": unknown " + what + " '" + value + "' (" + names + ")");
    }

    /** Everything at its default but the four given. */
    public LvsdOptions(Path socket, Path stateFile, List<String> interfaces, boolean controlOnly) {
        this(socket, stateFile, interfaces, controlOnly, ReceivePath.AUTO);
    }

    /** Everything at its default but the five given. */
    public LvsdOptions(Path socket, Path stateFile, List<String> interfaces, boolean controlOnly, ReceivePath rx) {
        this(socket, stateFile, interfaces, controlOnly, rx, PacketIoKind.AF_PACKET);
    }

    /** Bad command line (or {@code --help}: null message); the message is for the user. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** picocli's model of the command line; only {@link #parse} sees it. */
    @Command(name = "lvsd", sortOptions = false,
        description = "The LVS engine daemon: holds the virtual server table, serves bin/ipvsadm on a Unix "
            + "socket, keeps the rules in a state file and forwards packets. Runs in the foreground; "
            + "SIGTERM or SIGINT stops it cleanly.")
    static final class Spec {
        @Option(names = "--socket", paramLabel = "PATH",
            description = "control socket (env LVSD_SOCKET; default " + DEFAULT_SOCKET + ")")
        String socket;

        @Option(names = "--state-file", paramLabel = "PATH",
            description = "where the rules are kept across restarts (env LVSD_STATE_FILE; default "
                + DEFAULT_STATE_FILE + " for the default socket, else SOCKET.state)")
        String stateFile;

        @Option(names = "--interface", paramLabel = "IF",
            description = "forward packets on IF (repeatable; default: every usable interface)")
        List<String> interfaces = new ArrayList<>();

        @Option(names = "--rx", paramLabel = "MODE",
            description = "how AF_PACKET receives: auto (the default: recvmmsg, and the ring while "
                + "recvmmsg falls behind), recvmmsg (each frame readable at once; more CPU per packet) or "
                + "ring (TPACKET_V3 mmap ring: least CPU per packet, but a frame waits up to 1 ms for its "
                + "block to be handed over)")
        String rx = ReceivePath.AUTO.optionValue;

        @Option(names = "--io", paramLabel = "BACKEND",
            description = "packet I/O: af_packet (the default) or xdp (opt-in: an XDP program hands the traffic "
                + "lvsd forwards to AF_XDP sockets, the rest keeps the AF_PACKET path; falls back to af_packet "
                + "when XDP cannot be attached)")
        String io = PacketIoKind.AF_PACKET.optionValue;

        @Option(names = "--control-only", description = "no packet forwarding: serve ipvsadm and keep the rules only")
        boolean controlOnly;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
    }

    /** The usage text. */
    public static String usage() {
        StringWriter text = new StringWriter();
        new CommandLine(new Spec()).usage(new PrintWriter(text, true));
        return text.toString();
    }

    public static LvsdOptions parse(String[] args, Map<String, String> env) throws UsageException {
        Spec spec = new Spec();
        CommandLine commandLine = new CommandLine(spec);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException("lvsd: " + e.getMessage());
        }
        if (commandLine.isUsageHelpRequested()) {
            throw new UsageException(null);
        }
        String socket = firstNonEmpty(spec.socket, "--socket", env.get("LVSD_SOCKET"), DEFAULT_SOCKET);
        String defaultState = socket.equals(DEFAULT_SOCKET) ? DEFAULT_STATE_FILE : socket + ".state";
        String state = firstNonEmpty(spec.stateFile, "--state-file", env.get("LVSD_STATE_FILE"), defaultState);
        for (String name : spec.interfaces) {
            if (name.isEmpty()) {
                throw new UsageException("lvsd: option --interface needs a non-empty value");
            }
        }
        return new LvsdOptions(Path.of(socket).toAbsolutePath(), Path.of(state).toAbsolutePath(),
            List.copyOf(spec.interfaces), spec.controlOnly, ReceivePath.fromOption(spec.rx),
            PacketIoKind.fromOption(spec.io));
    }

    /** The option's value if given (it must not be empty), else the environment's, else the default. */
    private static String firstNonEmpty(String option, String optionName, String env, String fallback)
        throws UsageException {
        if (option != null) {
            if (option.isEmpty()) {
                throw new UsageException("lvsd: option " + optionName + " needs a non-empty value");
            }
            return option;
        }
        return env == null || env.isEmpty() ? fallback : env;
    }
}
