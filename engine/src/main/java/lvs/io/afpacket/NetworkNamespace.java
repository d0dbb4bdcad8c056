package lvs.io.afpacket;

import java.io.IOException;

/**
 * Moves the calling thread into a named network namespace ({@code ip netns add NAME}, i.e.
 * {@code /var/run/netns/NAME}) and back. A socket keeps the namespace it was created in, so a thread
 * may enter, open its AF_PACKET sockets, and return: the sockets then serve that namespace from any
 * thread. Needs CAP_SYS_ADMIN. Control path only.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.enter("dir")) {
 *     io = AfPacketIo.open(config, "d0", "d1");
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
    private final LinuxSyscalls libc;
    private final int originalFd;
    private boolean closed;

    private NetworkNamespace(LinuxSyscalls libc, int originalFd) {
        this.libc = libc;
        this.originalFd = originalFd;
    }

    /** Enters {@code /var/run/netns/<name>}; {@link #close()} returns to the previous namespace. */
    public static NetworkNamespace enter(String name) throws IOException {
        LinuxSyscalls libc = LinuxSyscalls.load();
        int original = libc.open("/proc/thread-self/ns/net", LinuxSyscalls.O_RDONLY);
        if (original < 0) {
            throw new IOException("open /proc/thread-self/ns/net: errno " + LinuxSyscalls.errno());
        }
        int target = libc.open("/var/run/netns/" + name, LinuxSyscalls.O_RDONLY);
        if (target < 0) {
            int errno = LinuxSyscalls.errno();
            libc.close(original);
            throw new IOException("open /var/run/netns/" + name + ": errno " + errno);
        }
        try {
            if (libc.setns(target, LinuxSyscalls.CLONE_NEWNET) < 0) {
                int errno = LinuxSyscalls.errno();
                libc.close(original);
                throw new IOException("setns(" + name + "): errno " + errno);
            }
        } finally {
            libc.close(target);
        }
        return new NetworkNamespace(libc, original);
    }

    /** Returns the thread to the namespace it was in before {@link #enter}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int rc = libc.setns(originalFd, LinuxSyscalls.CLONE_NEWNET);
        libc.close(originalFd);
        if (rc < 0) {
            // a thread stuck in a test namespace would silently send there later: fail loudly
            throw new IllegalStateException("setns back to the original namespace failed: errno " + LinuxSyscalls.errno());
        }
    }
}
