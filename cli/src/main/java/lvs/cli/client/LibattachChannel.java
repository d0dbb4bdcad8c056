package lvs.cli.client;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;

/**
 * A blocking, connected Unix stream socket driven through {@link LibattachBridge}'s calls: what the
 * thin client needs of a {@code SocketChannel} (see there for why). Heap buffers only, which is all
 * {@link lvs.cli.protocol.Frames} uses. Reads return at most 128 bytes each (libattach reads through a
 * buffer of that size); a 5 MB listing is ~40,000 reads, a few tens of milliseconds.
 */
final class LibattachChannel implements ByteChannel {
    /** sizeof(sockaddr_un.sun_path) - 1: libattach cuts longer paths, so they go to the JDK's channel instead. */
    static final int MAX_PATH_BYTES = 107;

    private final UnixSocketCalls calls;
    private final int fd;
    private boolean open = true;

    private LibattachChannel(UnixSocketCalls calls, int fd) {
        this.calls = calls;
        this.fd = fd;
    }

    /**
     * Whether {@code path} can be connected to this way (else the caller uses a SocketChannel): short
     * enough, and plain ASCII, which every platform encoding libattach may convert it with keeps as is.
     */
    static boolean fits(String path) {
        if (path.isEmpty() || path.length() > MAX_PATH_BYTES) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0 || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Connects to {@code path}; the error messages are strerror(3)'s, as the JDK's channel gives them. */
    static LibattachChannel connect(UnixSocketCalls calls, String path) throws IOException {
        int fd = calls.openSocket();
        try {
            calls.connectSocket(fd, path);
        } catch (FileNotFoundException e) {
            calls.closeSocket(fd);
            throw new IOException("No such file or directory"); // libattach's ENOENT carries no message
        } catch (IOException e) {
            calls.closeSocket(fd);
            throw e;
        }
        return new LibattachChannel(calls, fd);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        int off = dst.arrayOffset() + dst.position();
        int n = calls.readSocket(fd, dst.array(), off, off + dst.remaining());
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int len = src.remaining();
        calls.writeSocket(fd, src.array(), src.arrayOffset() + src.position(), len);
        src.position(src.limit());
        return len;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            calls.closeSocket(fd);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
