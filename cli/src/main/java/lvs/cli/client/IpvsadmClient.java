package lvs.cli.client;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import lvs.cli.protocol.Frames;

/**
 * {@code bin/ipvsadm}: hands argv to lvsd over its Unix socket, where the real ipvsadm runs warm,
 * and replays what comes back (stdout, stderr, exit status). stdin is read only when lvsd asks
 * for it (by {@code -R}), so a listing never waits on an open stdin.
 *
 * <p>Start-up time is the whole point of this class: it touches only JDK classes and
 * {@link Frames}; no picocli, no engine, no logging.
 */
public final class IpvsadmClient {
    public static final String DEFAULT_SOCKET = "/run/lvsd/lvsd.sock";
    static final String ENOTROOT = "Permission denied (you must be root)";
    static final String ENOIPVS = "Protocol not available";
    /** {@code -Dlvs.client.jdkSocket=true}: always use the JDK's SocketChannel (tests, benchmarks). */
    static final String JDK_SOCKET_PROPERTY = "lvs.client.jdkSocket";
    private static final String ARE_YOU_SURE =
        "Are you sure that IP Virtual Server is built in the kernel or as module?\n";

    private final Map<String, String> env;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    /** False when the process exits right after {@link #run} (then the kernel closes the socket). */
    private boolean closeSocketWhenDone = true;

    public IpvsadmClient(Map<String, String> env, InputStream stdin, OutputStream stdout, OutputStream stderr) {
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        Map<String, String> env = new LauncherEnvironment();
        if (env.get("LVS_CLIENT_TRAINING") != null) {
            System.exit(ClientTraining.run());
        }
        IpvsadmClient client = new IpvsadmClient(env, new FileInputStream(FileDescriptor.in),
            new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err));
        // The process ends right after the exit frame: leave the socket to the kernel. Closing a
        // SocketChannel initialises the JDK's whole inet socket layer (sun.nio.ch.Net, InetAddress,
        // jdk.net socket options: ~3 ms of a ~50 ms run) only to shut down a Unix socket.
        client.closeSocketWhenDone = false;
        int status = client.run(args);
        // Everything is written (unbuffered streams) and the client registers no shutdown hooks, so the
        // JVM may stop at once: System.exit would first run the JDK's exit bookkeeping, which on JDK 21+
        // starts the System.Logger machinery to log the call (~5 ms of a ~35 ms run on JDK 25).
        Runtime.getRuntime().halt(status);
    }

    /** One ipvsadm invocation; returns its exit status. */
    public int run(String[] args) {
        String socket = env.getOrDefault("LVSD_SOCKET", DEFAULT_SOCKET);
        String argv0 = env.getOrDefault("IPVSADM_ARGV0", "ipvsadm");
        ByteChannel ch;
        try {
            ch = connectTo(socket);
        } catch (IOException e) {
            ch = connectAfterFailure(socket, e);
            if (ch == null) {
                return 2;
            }
        }
        try {
            return converse(ch, argv0, args);
        } catch (IOException e) {
            return fail("ipvsadm: lost the connection to lvsd on " + socket + ": " + e.getMessage() + "\n");
        } finally {
            if (closeSocketWhenDone) {
                closeQuietly(ch);
            }
        }
    }

    /** Like ipvsadm's failed ipvs_init(): a non-root caller is refused; root starts lvsd, as ipvsadm loads ip_vs. */
    private ByteChannel connectAfterFailure(String socket, IOException first) {
        if (isPermissionDenied(first) || !isRoot()) {
            initFailed(ENOTROOT, null);
            return null;
        }
        LvsdStarter starter = new LvsdStarter(env, socket);
        String why = starter.startAndWait();
        if (why != null) {
            initFailed(ENOIPVS, why);
            return null;
        }
        try {
            return connectTo(socket);
        } catch (IOException e) {
            initFailed(ENOIPVS, "lvsd started but " + socket + " refuses connections: " + e.getMessage());
            return null;
        }
    }

    /**
     * Connects to lvsd's socket (blocking): through libattach when this JDK allows it (the fast start,
     * see {@link LibattachBridge}), else with the JDK's Unix-domain {@code SocketChannel}.
     */
    public static ByteChannel connectTo(String socket) throws IOException {
        UnixSocketCalls calls = LibattachChannel.fits(socket) && !Boolean.getBoolean(JDK_SOCKET_PROPERTY)
            ? LibattachBridge.calls() : null;
        if (calls != null) {
            return LibattachChannel.connect(calls, socket);
        }
        return connectWithSocketChannel(socket);
    }

    /**
     * The JDK's own way: its first use costs ~12 ms of security-provider set-up, nothing to a daemon
     * (lvsd uses this, so the libattach bridge never lives in its JVM).
     */
    public static SocketChannel connectWithSocketChannel(String socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(Path.of(socket)));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private int converse(ByteChannel ch, String argv0, String[] args) throws IOException {
        byte[] request = Frames.encodeRequest(argv0, args);
        try {
            Frames.write(ch, Frames.REQUEST, request, 0, request.length);
        } catch (IOException e) {
            // lvsd may refuse (e.g. wrong user) and close before reading; its answer is still queued.
        }
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
        byte[] chunk = new byte[Frames.MAX_CHUNK_BYTES];
        while (true) {
            int type = Frames.readHeader(ch, header);
            if (type < 0) {
                return fail("ipvsadm: lvsd closed the connection without an exit status\n");
            }
            int len = header.getInt(1);
            if (len < 0 || len > Frames.MAX_CHUNK_BYTES) {
                return fail("ipvsadm: bad frame from lvsd (length " + len + ")\n");
            }
            Frames.readFully(ch, ByteBuffer.wrap(chunk, 0, len), false);
            switch (type) {
                case Frames.STDOUT -> stdout.write(chunk, 0, len);
                case Frames.STDERR -> stderr.write(chunk, 0, len);
                case Frames.READ_STDIN -> sendStdin(ch, ByteBuffer.wrap(chunk, 0, len).getInt(), chunk);
                case Frames.EXIT -> {
                    return ByteBuffer.wrap(chunk, 0, len).getInt();
                }
                default -> {
                    return fail("ipvsadm: unknown frame type " + type + " from lvsd\n");
                }
            }
        }
    }

    /** Answers one READ_STDIN: whatever one read() gives, or an empty frame at end of file. */
    private void sendStdin(ByteChannel ch, int max, byte[] buf) throws IOException {
        int want = Math.max(1, Math.min(max, buf.length));
        int n;
        try {
            n = stdin.read(buf, 0, want);
        } catch (IOException e) {
            n = -1; // a closed or unreadable stdin reads as empty, as it would for ipvsadm
        }
        Frames.write(ch, Frames.STDIN, buf, 0, Math.max(n, 0));
    }

    private static void closeQuietly(ByteChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the conversation is over either way
        }
    }

    private void initFailed(String text, String how) {
        StringBuilder sb = new StringBuilder("Can't initialize ipvs: ").append(text).append('\n').append(ARE_YOU_SURE);
        if (how != null) {
            sb.append(how).append('\n');
        }
        fail(sb.toString());
    }

    private int fail(String message) {
        try {
            stderr.write(message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // nowhere left to report it
        }
        return 2;
    }

    private static boolean isPermissionDenied(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Permission denied");
    }

    /** The launcher passes its $EUID; without it, fall back to the user name. */
    private boolean isRoot() {
        String euid = System.getProperty("lvs.euid");
        if (euid != null && !euid.isEmpty()) {
            return euid.equals("0");
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
