package lvs.cli.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import lvs.cli.protocol.Frames;

/**
 * The control socket: accepts clients and runs each in its own thread (requests are short; the table
 * serialises its own changes). The socket file is mode 0600 and removed on close.
 */
public final class ControlServer implements AutoCloseable {
    /** More simultaneous clients than this get "busy"; bounds threads a misbehaving script can pin. */
    static final int MAX_CLIENTS = 64;

    private final Path socket;
    private final RequestHandler handler;
    private final ClientSession.Committer committer;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lvsd-timer"));
    private final long requestTimeoutMillis;
    private ServerSocketChannel server;
    private Thread acceptor;

    public ControlServer(Path socket, RequestHandler handler, ClientSession.Committer committer) {
        this(socket, handler, committer, ClientSession.REQUEST_TIMEOUT_MILLIS);
    }

    /** @param requestTimeoutMillis how long a client may take to send its request */
    ControlServer(Path socket, RequestHandler handler, ClientSession.Committer committer, long requestTimeoutMillis) {
        this.socket = socket;
        this.handler = handler;
        this.committer = committer;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    /** Binds the socket (replacing a stale file; the caller has checked that no lvsd answers on it) and starts accepting. */
    public void start() throws IOException {
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        acceptor = new Thread(this::acceptLoop, "lvsd-accept");
        acceptor.start();
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Log.error("accept failed", e);
                continue;
            }
            if (!slots.tryAcquire()) {
                refuseBusy(ch);
                continue;
            }
            ClientSession session = new ClientSession(ch, handler, committer, timer, requestTimeoutMillis);
            Thread t = new Thread(() -> {
                try {
                    session.run();
                } finally {
                    slots.release();
                }
            }, "lvsd-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void refuseBusy(SocketChannel ch) {
        try (ch) {
            byte[] msg = "lvsd: too many clients, try again\n".getBytes(StandardCharsets.UTF_8);
            Frames.write(ch, Frames.STDERR, msg, 0, msg.length);
            Frames.writeInt(ch, Frames.EXIT, 2);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Waits until {@link #close()} stops the acceptor. */
    public void awaitClosed() throws InterruptedException {
        acceptor.join();
    }

    /** Stops accepting and removes the socket file. Requests already running finish on their own. */
    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            Log.error("could not remove " + socket, e);
        }
        timer.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
