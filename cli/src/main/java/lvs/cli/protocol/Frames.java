package lvs.cli.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control socket's wire format (docs/control-protocol.md): frames of one type byte, a 4-byte
 * big-endian payload length, and the payload. Used by the thin client and by lvsd, so it must stay
 * small and depend on nothing but the JDK: every class it touches is loaded at client start-up.
 */
public final class Frames {
    /** Client to lvsd, first and once: magic, then argv0 and the arguments. */
    public static final byte REQUEST = 'Q';
    /** Client to lvsd, only as the answer to {@link #READ_STDIN}: stdin bytes; empty means end of file. */
    public static final byte STDIN = 'I';
    /** lvsd to client: bytes for the client's stdout. */
    public static final byte STDOUT = 'O';
    /** lvsd to client: bytes for the client's stderr. */
    public static final byte STDERR = 'E';
    /** lvsd to client: "send me up to N bytes of your stdin" (payload: u32 N). */
    public static final byte READ_STDIN = 'R';
    /** lvsd to client, last: the exit status (payload: u32); lvsd closes the connection after it. */
    public static final byte EXIT = 'X';

    /** First bytes of a REQUEST payload: names the protocol and its version. */
    public static final byte[] MAGIC = {'L', 'V', 'S', '1'};
    public static final int HEADER_BYTES = 5;
    /** Largest REQUEST payload lvsd accepts (argv is tiny; this only bounds garbage). */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /** Largest argument count lvsd accepts. */
    public static final int MAX_ARGS = 65_536;
    /** Largest STDOUT/STDERR/STDIN payload; also what lvsd asks for per READ_STDIN. */
    public static final int MAX_CHUNK_BYTES = 64 * 1024;

    private Frames() {
    }

    /** Writes one frame; the channel must be blocking. */
    public static void write(WritableByteChannel ch, byte type, byte[] payload, int off, int len) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(type).putInt(len).flip();
        ByteBuffer body = ByteBuffer.wrap(payload, off, len);
        while (header.hasRemaining()) {
            ch.write(header);
        }
        while (body.hasRemaining()) {
            ch.write(body);
        }
    }

    public static void writeInt(WritableByteChannel ch, byte type, int value) throws IOException {
        write(ch, type, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
    }

    /**
     * Reads one frame header into {@code header} (capacity 5). Returns the type, or -1 on a clean end
     * of stream before the first byte. The payload length is then {@code header.getInt(1)}.
     */
    public static int readHeader(ReadableByteChannel ch, ByteBuffer header) throws IOException {
        header.clear();
        if (!readFully(ch, header, true)) {
            return -1;
        }
        return header.get(0);
    }

    /** Fills {@code buf} to its limit; false if the stream ended before any byte and {@code eofOk}. */
    public static boolean readFully(ReadableByteChannel ch, ByteBuffer buf, boolean eofOk) throws IOException {
        boolean first = true;
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                if (first && eofOk && buf.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed in the middle of a frame");
            }
            first = false;
        }
        return true;
    }

    /** The REQUEST payload for {@code argv0} and {@code args}. */
    public static byte[] encodeRequest(String argv0, String[] args) {
        byte[][] parts = new byte[args.length + 1][];
        int size = MAGIC.length + 4;
        parts[0] = argv0.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.length; i++) {
            parts[i + 1] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        for (byte[] p : parts) {
            size += 4 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(MAGIC).putInt(parts.length);
        for (byte[] p : parts) {
            b.putInt(p.length).put(p);
        }
        return b.array();
    }

    /**
     * Decodes a REQUEST payload: element 0 is argv0, the rest are the arguments.
     *
     * @throws ProtocolException on a wrong magic, counts or lengths that do not fit the payload
     */
    public static List<String> decodeRequest(ByteBuffer b) throws ProtocolException {
        if (b.remaining() < MAGIC.length + 4) {
            throw new ProtocolException("request too short");
        }
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new ProtocolException("not an lvsd control request (bad magic or protocol version)");
            }
        }
        int count = b.getInt();
        if (count < 1 || count > MAX_ARGS) {
            throw new ProtocolException("bad argument count " + Integer.toUnsignedString(count));
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 4) {
                throw new ProtocolException("request truncated");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new ProtocolException("bad argument length");
            }
            byte[] s = new byte[len];
            b.get(s);
            out.add(new String(s, StandardCharsets.UTF_8));
        }
        if (b.hasRemaining()) {
            throw new ProtocolException("trailing bytes after the arguments");
        }
        return out;
    }

    /** A peer broke the protocol; the message says how. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }
}
