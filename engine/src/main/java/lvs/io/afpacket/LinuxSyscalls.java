package lvs.io.afpacket;

import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.u_int64_t;
import lvs.io.LibcBinding;

/**
 * The few libc calls AF_PACKET needs, bound with jnr-ffi. Buffers are passed as raw addresses
 * ({@code intptr_t long}) of memory we allocated ourselves, so a call allocates nothing and never
 * copies. None of these has six arguments and a {@code long} result, the shape that jnr-ffi 2.3.4's
 * asm stubs corrupt (feasibility pitfall 8).
 *
 * <p>Public only because jnr-ffi generates the implementation in its own class loader, which must be
 * able to see the interface; it is not an API of this project.
 */
public interface LinuxSyscalls {
    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int ETH_P_ALL = 0x0003;
    int SOL_SOCKET = 1;
    int SO_RCVBUFFORCE = 33;
    int SO_SNDBUFFORCE = 32;
    int SO_ATTACH_FILTER = 26;
    int SOL_PACKET = 263;
    int PACKET_RX_RING = 5;
    int PACKET_STATISTICS = 6;
    int PACKET_VERSION = 10;
    int TPACKET_V3 = 2;
    int PROT_READ_WRITE = 0x3;
    int MAP_SHARED = 0x1;
    int MAP_POPULATE = 0x8000;
    int PACKET_VNET_HDR = 15;
    int PACKET_QDISC_BYPASS = 20;
    int PACKET_IGNORE_OUTGOING = 23;
    int PACKET_FANOUT = 18;
    int PACKET_FANOUT_DATA = 22;
    int PACKET_FANOUT_CBPF = 6;
    /** The kernel picks a free group id (read back with getsockopt); only for the group's first socket. */
    int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    /** The group's tap skips outgoing frames (a member's own PACKET_IGNORE_OUTGOING does not apply to a group). */
    int PACKET_FANOUT_FLAG_IGNORE_OUTGOING = 0x4000;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    int POLLIN = 0x1;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENOBUFS = 105;
    int O_RDONLY = 0;
    int CLONE_NEWNET = 0x4000_0000;
    long SIOCGIFMTU = 0x8921;
    long SIOCGIFHWADDR = 0x8927;
    long SIOCGIFINDEX = 0x8933;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @intptr_t long address, int addressLength);

    int setsockopt(int fd, int level, int option, @intptr_t long value, int valueLength);

    int getsockopt(int fd, int level, int option, @intptr_t long value, @intptr_t long valueLength);

    int ioctl(int fd, @u_int64_t long request, @intptr_t long argument);

    int recvmmsg(int fd, @intptr_t long messages, int count, int flags, @intptr_t long timeout);

    int sendmmsg(int fd, @intptr_t long messages, int count, int flags);

    int poll(@intptr_t long fds, @u_int64_t long count, int timeoutMs);

    /**
     * Declared with a {@link Pointer} result on purpose: {@code long mmap(long, long, int, int, int, long)}
     * returns EINVAL without making the syscall under jnr-ffi 2.3.4 (feasibility pitfall 8).
     */
    Pointer mmap(Pointer address, @size_t long length, int protection, int flags, int fd, @off_t long offset);

    int munmap(@intptr_t long address, @size_t long length);

    int open(String path, int flags);

    int setns(int fd, int nstype);

    int close(int fd);

    /** Loaded once; {@link #load()} reports why not on systems without libc or jffi. */
    final class Holder {
        static final LibcBinding<LinuxSyscalls> LIBC = LibcBinding.load(LinuxSyscalls.class);

        private Holder() {
        }
    }

    static LinuxSyscalls load() {
        return Holder.LIBC.get();
    }

    /** errno of the calling thread's last failed call. */
    static int errno() {
        return Holder.LIBC.errno();
    }
}
