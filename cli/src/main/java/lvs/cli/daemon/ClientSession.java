package lvs.cli.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lvs.cli.protocol.Frames;

/**
 * One client connection: check who it is, read its request (bounded in size and time), run it,
 * make its changes durable, send the exit status. Anything malformed ends the connection with a
 * message and status 2 and never reaches the table.
 */
final class ClientSession implements Runnable {
    /** A client must send its whole request within this time (a stuck or hostile peer costs one thread for this long). */
    static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    static final String PERMISSION_DENIED = "Can't initialize ipvs: Permission denied (you must be root)\n"
        + "Are you sure that IP Virtual Server is built in the kernel or as module?\n";

    /** Makes a request's changes durable before its exit status goes out. */
    @FunctionalInterface
    public interface Committer {
        void commit() throws IOException;
    }

    private final SocketChannel ch;
    private final RequestHandler handler;
    private final Committer committer;
    private final ScheduledExecutorService timer;
    private final long requestTimeoutMillis;
    private final Object writeLock = new Object();

    ClientSession(SocketChannel ch, RequestHandler handler, Committer committer, ScheduledExecutorService timer,
                  long requestTimeoutMillis) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.ch = ch;
        this.handler = handler;
        this.committer = committer;
        this.timer = timer;
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (Frames.ProtocolException e) {
            Log.info("client protocol error: " + e.getMessage());
            replyAndClose("lvsd: protocol error: " + e.getMessage() + "\n", 2);
        } catch (IOException e) {
            // the client went away or timed out; nothing it sent was run
        } catch (RuntimeException e) {
            Log.error("client session failed", e);
        } finally {
            closeQuietly();
        }
    }

    private void serve() throws IOException {
        String user = PeerCheck.peerUser(ch);
        ScheduledFuture<?> watchdog = timer.schedule(this::closeQuietly, requestTimeoutMillis, TimeUnit.MILLISECONDS);
        List<String> request;
        try {
            if (!PeerCheck.allowed(user)) {
                Log.info("refused a request from user " + user);
                replyAndClose(PERMISSION_DENIED, 2);
                return;
            }
            request = readRequest();
        } finally {
            watchdog.cancel(false);
        }
        PrintStream out = new PrintStream(new FrameOutputStream(ch, Frames.STDOUT, writeLock), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FrameOutputStream(ch, Frames.STDERR, writeLock), false, StandardCharsets.UTF_8);
        int status;
        try {
            status = handler.handle(request.get(0), request.subList(1, request.size()),
                new RemoteStdin(ch, writeLock, out, err), out, err);
        } catch (RuntimeException e) {
            Log.error("request " + request.subList(1, request.size()) + " failed", e);
            err.print("lvsd: internal error: " + e + "\n");
            status = 2;
        }
        out.flush();
        try {
            committer.commit();
        } catch (IOException e) {
            Log.error("could not save the state file", e);
            err.print("lvsd: the change was made but could not be saved: " + e.getMessage() + "\n");
            status = status == 0 ? 2 : status;
        }
        err.flush();
        if (out.checkError() || err.checkError()) {
            return; // the client is gone; its changes are saved all the same
        }
        synchronized (writeLock) {
            Frames.writeInt(ch, Frames.EXIT, status);
        }
    }

    private List<String> readRequest() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
        int type = Frames.readHeader(ch, header);
        if (type < 0) {
            throw new IOException("client sent nothing");
        }
        int len = header.getInt(1);
        if (type != Frames.REQUEST) {
            throw new Frames.ProtocolException("expected a request frame, got type " + type);
        }
        if (len < 0 || len > Frames.MAX_REQUEST_BYTES) {
            throw new Frames.ProtocolException("request of " + Integer.toUnsignedString(len)
                + " bytes (limit " + Frames.MAX_REQUEST_BYTES + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        Frames.readFully(ch, body, false);
        return Frames.decodeRequest(body.flip());
    }

    private void reply(String stderr, int status) throws IOException {
        byte[] b = stderr.getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            Frames.write(ch, Frames.STDERR, b, 0, b.length);
            Frames.writeInt(ch, Frames.EXIT, status);
        }
    }

    private void replyAndClose(String stderr, int status) {
        try {
            reply(stderr, status);
            ch.shutdownOutput();
            drainBriefly();
        } catch (IOException ignored) {
            // best effort
        }
        closeQuietly();
    }

    /**
     * Reads and drops what the peer still sends, up to 1 MiB or 1 s. Closing a Unix socket with unread
     * input resets the connection, and the peer would lose the error reply we just sent.
     */
    private void drainBriefly() {
        ScheduledFuture<?> stop = timer.schedule(this::closeQuietly, 1, TimeUnit.SECONDS);
        try {
            ByteBuffer sink = ByteBuffer.allocate(8192);
            for (int total = 0; total < (1 << 20); total += sink.position()) {
                sink.clear();
                if (ch.read(sink) < 0) {
                    break;
                }
            }
        } catch (IOException ignored) {
            // closed by the timer, or the peer is gone
        } finally {
            stop.cancel(false);
        }
    }

    private void closeQuietly() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
