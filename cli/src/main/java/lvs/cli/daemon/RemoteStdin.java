package lvs.cli.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import lvs.cli.protocol.Frames;

/**
 * The client's stdin, fetched only when read: each refill sends READ_STDIN and waits for one STDIN
 * frame (empty = end of file). A command that never reads stdin never makes the client touch it.
 * No timeout here: {@code ipvsadm -R} may be typed at a terminal.
 */
final class RemoteStdin extends InputStream {
    private final SocketChannel ch;
    private final Object writeLock;
    private final PrintStream out;
    private final PrintStream err;
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
    private final byte[] buf = new byte[Frames.MAX_CHUNK_BYTES];
    private int pos;
    private int limit;
    private boolean eof;

    RemoteStdin(SocketChannel ch, Object writeLock, PrintStream out, PrintStream err) {
        this.ch = ch;
        this.writeLock = writeLock;
        this.out = out;
        this.err = err;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        // what was printed so far reaches the user before we wait for more input
        out.flush();
        err.flush();
        synchronized (writeLock) {
            Frames.writeInt(ch, Frames.READ_STDIN, buf.length);
        }
        int type = Frames.readHeader(ch, header);
        if (type < 0) {
            throw new IOException("client closed the connection while lvsd was reading its stdin");
        }
        int len = header.getInt(1);
        if (type != Frames.STDIN || len < 0 || len > buf.length) {
            throw new Frames.ProtocolException("expected a STDIN frame of at most " + buf.length + " bytes");
        }
        Frames.readFully(ch, ByteBuffer.wrap(buf, 0, len), false);
        pos = 0;
        limit = len;
        eof = len == 0;
        return !eof;
    }
}
