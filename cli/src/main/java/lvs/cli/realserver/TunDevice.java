package lvs.cli.realserver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A Linux TUN device ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): every write is one IP packet
 * that the kernel receives as if it had arrived on that interface, which is how decapsulated client
 * packets reach the real server's stack without the ipip/gre/fou modules. The device exists while the
 * file descriptor is open (not persistent), so closing it, or the process dying, removes it.
 */
final class TunDevice implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    /** _IOW('T', 202, int). */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;
    private static final int MAX_PACKET = 65_536;

    /** The few libc calls a TUN device needs. */
    public interface Libc {
        int open(String path, int flags);

        int ioctl(int fd, long request, @intptr_t long argument);

        @ssize_t long write(int fd, @intptr_t long buffer, @size_t long count);

        int close(int fd);
    }

    private static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");

    private final int fd;
    private final String name;
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_PACKET, 64));

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Creates TUN interface {@code name} (down, no address). */
    static TunDevice create(String name) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length > 15) {
            throw new IOException("bad interface name: " + name);
        }
        int fd = LIBC.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("open /dev/net/tun: errno " + errno());
        }
        ByteBuffer ifr = ByteBuffer.allocateDirect(IFREQ_SIZE).order(ByteOrder.nativeOrder());
        ifr.put(bytes);
        ifr.putShort(16, (short) (IFF_TUN | IFF_NO_PI));
        if (LIBC.ioctl(fd, TUNSETIFF, BufferUtil.address(ifr)) < 0) {
            int e = errno();
            LIBC.close(fd);
            throw new IOException("TUNSETIFF " + name + ": errno " + e);
        }
        return new TunDevice(fd, name);
    }

    String name() {
        return name;
    }

    /** Hands one IP packet to the kernel; false if it refused it (device down, no buffer). No allocation. */
    boolean write(DirectBuffer packet, int offset, int length) {
        out.putBytes(0, packet, offset, length);
        return LIBC.write(fd, out.addressOffset(), length) == length;
    }

    private static int errno() {
        return Runtime.getRuntime(LIBC).getLastError();
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
