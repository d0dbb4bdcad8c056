package lvs.io.nfqueue;

import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import lvs.io.LibcBinding;

/**
 * The libc calls a netlink socket needs, bound with jnr-ffi over raw addresses of memory we own (no
 * copies, no allocation per call). Public only because jnr-ffi's generated class must see it.
 */
public interface NetlinkLibc {
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int NETLINK_NETFILTER = 12;
    int SOL_SOCKET = 1;
    int SO_RCVBUFFORCE = 33;
    int SOL_NETLINK = 270;
    int NETLINK_NO_ENOBUFS = 5;
    int MSG_DONTWAIT = 0x40;
    int EAGAIN = 11;
    int EINTR = 4;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @intptr_t long address, int addressLength);

    int setsockopt(int fd, int level, int option, @intptr_t long value, int valueLength);

    /** ssize_t read as int: a netlink message is far below 2 GiB. */
    int send(int fd, @intptr_t long buffer, @size_t long length, int flags);

    int recv(int fd, @intptr_t long buffer, @size_t long length, int flags);

    int close(int fd);

    /** Loaded once; {@link #load()} reports why not on systems without libc or jffi. */
    final class Holder {
        static final LibcBinding<NetlinkLibc> LIBC = LibcBinding.load(NetlinkLibc.class);

        private Holder() {
        }
    }

    static NetlinkLibc load() {
        return Holder.LIBC.get();
    }

    /** errno of the calling thread's last failed call. */
    static int errno() {
        return Holder.LIBC.errno();
    }
}
