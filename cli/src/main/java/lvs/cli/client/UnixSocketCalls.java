package lvs.cli.client;

import java.io.IOException;

/**
 * Blocking Unix-socket system calls, as {@link LibattachBridge} makes them available: the bridge
 * class it defines at run time implements this interface, so it must stay public and unchanged in
 * shape (the bridge's bytecode names these methods and descriptors).
 */
public interface UnixSocketCalls {
    /**
     * The bridge class's static initialiser hands its one instance over here, so the client gets it
     * without reflection (whose first use costs milliseconds on recent JDKs).
     */
    static void handOver(UnixSocketCalls calls) {
        LibattachBridge.handOver(calls);
    }

    /** Binds the JDK's {@code libattach} (at {@code libraryPath}) to the bridge class. */
    void load(String libraryPath);

    /** {@code socket(AF_UNIX, SOCK_STREAM, 0)}; returns the file descriptor. */
    int openSocket() throws IOException;

    /** Connects {@code fd} to the socket at {@code path} (at most 107 bytes; longer paths are cut, so callers check). */
    void connectSocket(int fd, String path) throws IOException;

    /** One {@code read(2)} of at most 128 bytes into {@code buf[off..end)}; -1 at end of stream. */
    int readSocket(int fd, byte[] buf, int off, int end) throws IOException;

    /** Writes all of {@code buf[off..off+len)}. */
    void writeSocket(int fd, byte[] buf, int off, int len) throws IOException;

    /** Shuts down and closes {@code fd}. */
    void closeSocket(int fd) throws IOException;
}
