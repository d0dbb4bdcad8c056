package lvs.io.afpacket;

import java.io.IOException;

import lvs.io.FrameHandler;
import lvs.io.InterfaceSet;
import lvs.io.PacketIo;
import lvs.io.PacketIoCounters;
import org.agrona.DirectBuffer;
import lvs.io.NativeMemory;

/**
 * {@link PacketIo} over one AF_PACKET socket per interface, with {@code recvmmsg}/{@code sendmmsg}
 * batches (feasibility §3: 0.2–0.3 Mpps per core; the cost is the syscalls, not the FFI).
 *
 * <p>Interfaces are looked up, and sockets created, in the network namespace of the thread that calls
 * {@link #open} (see {@link NetworkNamespace}); after that any single thread may drive it.
 */
public final class AfPacketIo implements PacketIo {
    private static final int POLLFD_SIZE = 8;
    /** How often the kernel's receive-queue drops are collected (a getsockopt per socket). */
    private static final long DROP_COLLECTION_INTERVAL_NS = 100_000_000L;

    /** One per interface, in {@link #interfaces}' order. */
    private final AfPacketSocket[] sockets;
    private final InterfaceSet interfaces;
    private final PacketIoCounters counters;
    private final NativeMemory pollFds;
    /** One more descriptor {@link #awaitFrames} wakes up on (-1: none; poll(2) skips negative fds). */
    private int extraWakeFd = -1;
    private boolean closed;
    private long nextDropCollectionNs;

    private AfPacketIo(AfPacketSocket[] sockets, PacketIoCounters counters) {
        this.sockets = sockets;
        this.counters = counters;
        int[] indexes = new int[sockets.length];
        for (int i = 0; i < sockets.length; i++) {
            indexes[i] = sockets[i].info.index();
        }
        interfaces = new InterfaceSet(indexes);
        pollFds = new NativeMemory((2 * sockets.length + 1) * POLLFD_SIZE);
    }

    /** Opens a socket on each named interface of the calling thread's network namespace. */
    public static AfPacketIo open(AfPacketConfig config, String... interfaceNames) throws IOException {
        if (interfaceNames.length == 0) {
            throw new IllegalArgumentException("no interfaces");
        }
        AfPacketSocket[] sockets = new AfPacketSocket[interfaceNames.length];
        AfPacketIo io = null;
        try {
            PacketIoCounters counters = new PacketIoCounters();
            for (int i = 0; i < interfaceNames.length; i++) {
                sockets[i] = new AfPacketSocket(NetworkInterfaces.lookup(interfaceNames[i]), config, counters);
            }
            io = new AfPacketIo(sockets, counters);
            return io;
        } finally {
            if (io == null) {
                for (AfPacketSocket socket : sockets) {
                    if (socket != null) {
                        socket.close();
                    }
                }
            }
        }
    }

    /** Index, MAC and MTU of each interface, in the order given to {@link #open}. */
    public InterfaceInfo[] interfaceInfo() {
        InterfaceInfo[] infos = new InterfaceInfo[sockets.length];
        for (int i = 0; i < sockets.length; i++) {
            infos[i] = sockets[i].info;
        }
        return infos;
    }

    /**
     * Reads the interfaces in turn, starting where the last call stopped. A socket found empty (by its last
     * recvmmsg, or by the last {@link #awaitFrames}' poll) is skipped until poll(2) reports it readable or
     * {@link RecvmmsgGate#RECHECK_NS} have passed ({@link RecvmmsgGate}): under one-way load this saves the
     * empty recvmmsg on the quiet interface in most cycles, and no frame waits more than that much longer.
     */
    @Override
    public int poll(FrameHandler handler, int limit) {
        long now = System.nanoTime();
        int delivered = 0;
        for (int visited = 0; visited < sockets.length && delivered < limit; visited++) {
            delivered += sockets[interfaces.nextToPoll()].receive(handler, limit - delivered, now);
        }
        return delivered;
    }

    @Override
    public boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload) {
        int position = interfaces.positionOf(ifIndex);
        if (position < 0 || !sockets[position].enqueue(buffer, offset, length, offload)) {
            counters.txDropped++;
            return false;
        }
        return true;
    }

    @Override
    public int flush() {
        int accepted = 0;
        for (AfPacketSocket socket : sockets) {
            accepted += socket.flush();
        }
        return accepted;
    }

    @Override
    public void awaitFrames(long timeoutNs) {
        // every socket's descriptor, then each adaptive interface's ring socket (-1, skipped by poll(2),
        // for the others), then the extra one
        for (int i = 0; i < sockets.length; i++) {
            pollFor(i, sockets[i].fd());
            pollFor(sockets.length + i, sockets[i].secondFd());
        }
        pollFor(2 * sockets.length, extraWakeFd);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, (timeoutNs + 999_999) / 1_000_000);
        int ready = LinuxSyscalls.load().poll(pollFds.address, 2L * sockets.length + 1, timeoutMs);
        long now = System.nanoTime();
        if (ready >= 0) {
            // the readiness just reported opens the gate of each recvmmsg socket with frames (or an error) and
            // closes the others' until the next poll or their re-check (RecvmmsgGate); after an error (EINTR)
            // revents were not written and the gates stay as they were
            for (int i = 0; i < sockets.length; i++) {
                sockets[i].polled(pollFds.buffer.getShort(i * POLLFD_SIZE + 6) != 0, now);
            }
        }
        // at most every 100 ms: under a moderate load lvsd waits here after nearly every frame, and a
        // getsockopt per socket per wake-up cost more than the frame itself
        if (now - nextDropCollectionNs >= 0) {
            nextDropCollectionNs = now + DROP_COLLECTION_INTERVAL_NS;
            for (AfPacketSocket socket : sockets) {
                socket.collectKernelDrops();
            }
        }
    }

    private void pollFor(int slot, int fd) {
        pollFds.buffer.putInt(slot * POLLFD_SIZE, fd);
        pollFds.buffer.putShort(slot * POLLFD_SIZE + 4, (short) LinuxSyscalls.POLLIN);
        pollFds.buffer.putShort(slot * POLLFD_SIZE + 6, (short) 0);
    }

    /**
     * How each interface receives, for logs: e.g. "d0: recvmmsg+ring (recvmmsg)"; says why when an
     * adaptive receive path fell back to recvmmsg alone (a kernel without CBPF fanout).
     */
    public String describeReceivePaths() {
        StringBuilder sb = new StringBuilder();
        for (AfPacketSocket socket : sockets) {
            sb.append(sb.length() == 0 ? "" : ", ").append(socket.info.name()).append(": ").append(socket.receivePath());
            if (socket.adaptiveFallback != null) {
                sb.append(" (no adaptive ring: ").append(socket.adaptiveFallback).append(')');
            }
        }
        return sb.toString();
    }

    /**
     * Makes {@link #awaitFrames} also return when {@code fd} becomes readable: a second packet source
     * read by the same thread (lvsd's NFQUEUE socket) then waits no longer than a frame would.
     */
    public void wakeAlsoOn(int fd) {
        extraWakeFd = fd;
    }

    @Override
    public int[] interfaces() {
        return interfaces.indexes();
    }

    @Override
    public PacketIoCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (AfPacketSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
