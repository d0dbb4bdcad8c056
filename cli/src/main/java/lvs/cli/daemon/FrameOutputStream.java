package lvs.cli.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import lvs.cli.protocol.Frames;

/**
 * One of the client's output streams (STDOUT or STDERR frames). Buffers up to one frame, so a big
 * listing goes out in 64 KiB frames, not a frame per line. Frame writes from the two streams and the
 * stdin requests share one lock so frames never interleave on the socket.
 */
final class FrameOutputStream extends OutputStream {
    private final SocketChannel ch;
    private final byte type;
    private final Object writeLock;
    private final byte[] buf = new byte[Frames.MAX_CHUNK_BYTES];
    private int count;

    FrameOutputStream(SocketChannel ch, byte type, Object writeLock) {
        this.ch = ch;
        this.type = type;
        this.writeLock = writeLock;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            flush();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buf.length) {
                flush();
            }
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0; // a dead client must not make us resend the same bytes forever
        synchronized (writeLock) {
            Frames.write(ch, type, buf, 0, n);
        }
    }
}
