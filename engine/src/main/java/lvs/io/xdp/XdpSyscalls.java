package lvs.io.xdp;

import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.u_int64_t;
import lvs.io.LibcBinding;

/**
 * The libc calls the AF_XDP backend needs, bound with jnr-ffi like {@code lvs.io.afpacket}'s. bpf(2)
 * has no libc wrapper and goes through {@code syscall(2)}. Buffers are raw addresses of memory we
 * allocated. {@code mmap} returns a {@link Pointer} (feasibility pitfall 8: the {@code long} form of a
 * six-argument call with a {@code long} result is corrupted by jnr-ffi 2.3.4's stubs).
 *
 * <p>Public only because jnr-ffi generates the implementation in its own class loader.
 */
public interface XdpSyscalls {
    long SYS_BPF = 321; // x86-64
    int AF_XDP = 44;
    int SOCK_RAW = 3;
    int SOL_XDP = 283;
    int XDP_MMAP_OFFSETS = 1;
    int XDP_RX_RING = 2;
    int XDP_TX_RING = 3;
    int XDP_UMEM_REG = 4;
    int XDP_UMEM_FILL_RING = 5;
    int XDP_UMEM_COMPLETION_RING = 6;
    int XDP_STATISTICS = 7;
    long XDP_PGOFF_RX_RING = 0L;
    long XDP_PGOFF_TX_RING = 0x8000_0000L;
    long XDP_UMEM_PGOFF_FILL_RING = 0x1_0000_0000L;
    long XDP_UMEM_PGOFF_COMPLETION_RING = 0x1_8000_0000L;
    int XDP_COPY = 1 << 1;
    int PROT_READ_WRITE = 0x3;
    int MAP_SHARED = 0x1;
    int MAP_POPULATE = 0x8000;
    int MSG_DONTWAIT = 0x40;
    int EPOLL_CTL_ADD = 1;
    int EPOLLIN = 0x1;
    int EPOLL_CLOEXEC = 0x80000;
    int EINTR = 4;
    int EAGAIN = 11;
    int EBUSY = 16;
    int ENOBUFS = 105;

    /** bpf(2): {@code syscall(SYS_bpf, cmd, attr, size)}. */
    int syscall(@u_int64_t long number, int command, @intptr_t long attr, int size);

    int socket(int domain, int type, int protocol);

    int bind(int fd, @intptr_t long address, int addressLength);

    int setsockopt(int fd, int level, int option, @intptr_t long value, int valueLength);

    int getsockopt(int fd, int level, int option, @intptr_t long value, @intptr_t long valueLength);

    /** The AF_XDP transmit kick; four arguments and an int result (not {@code sendto}: pitfall 8). */
    int send(int fd, @intptr_t long buffer, @size_t long length, int flags);

    Pointer mmap(Pointer address, @size_t long length, int protection, int flags, int fd, @off_t long offset);

    int munmap(@intptr_t long address, @size_t long length);

    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, @intptr_t long event);

    int ioctl(int fd, @u_int64_t long request, @intptr_t long argument);

    int close(int fd);

    /** Loaded once; {@link #load()} reports why not on systems without libc or jffi. */
    final class Holder {
        static final LibcBinding<XdpSyscalls> LIBC = LibcBinding.load(XdpSyscalls.class);

        private Holder() {
        }
    }

    static XdpSyscalls load() {
        return Holder.LIBC.get();
    }

    /** errno of the calling thread's last failed call. */
    static int errno() {
        return Holder.LIBC.errno();
    }
}
