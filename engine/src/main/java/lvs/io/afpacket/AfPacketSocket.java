package lvs.io.afpacket;

import java.io.IOException;

import lvs.io.FrameHandler;
import lvs.io.Offload;
import lvs.io.PacketIoCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One AF_PACKET SOCK_RAW socket bound to one interface with ETH_P_ALL, receiving and sending in
 * batches. ETH_P_ALL taps run before the netdev ingress hook, so frames that lvsd's own nftables table
 * drops for the kernel are still seen here (feasibility pitfall 2); {@code PACKET_IGNORE_OUTGOING}
 * keeps our own transmissions (and the host's) out of the receive queue.
 */
final class AfPacketSocket implements AutoCloseable {
    private static final int SOCKADDR_LL_SIZE = 20;

    final InterfaceInfo info;
    private final LinuxSyscalls libc;
    private final int fd;
    private final int headroom;
    private final MessageBatch rx;   // null when receiving through the ring
    private final RxRing ring;       // null when receiving with recvmmsg
    private final MessageBatch tx;
    private final NativeMemory scratch = new NativeMemory(64);
    private final PacketIoCounters counters;
    private int txQueued;
    private boolean closed;

    AfPacketSocket(InterfaceInfo info, AfPacketConfig config, PacketIoCounters counters) throws IOException {
        this.info = info;
        this.counters = counters;
        this.libc = LinuxSyscalls.load();
        this.headroom = config.vnetHeader() ? VirtioNetHeader.LENGTH : 0;
        // protocol 0 at creation: the socket receives nothing until bind() names interface and protocol,
        // so no frame of another interface can slip in between
        fd = libc.socket(LinuxSyscalls.AF_PACKET, LinuxSyscalls.SOCK_RAW, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_PACKET): errno " + LinuxSyscalls.errno() + " (needs CAP_NET_RAW)");
        }
        try {
            setInt(LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            if (config.vnetHeader()) {
                setInt(LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            if (config.qdiscBypass()) {
                setInt(LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            setInt(LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_RCVBUFFORCE, config.receiveBufferBytes(), "SO_RCVBUFFORCE");
            setInt(LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_SNDBUFFORCE, config.sendBufferBytes(), "SO_SNDBUFFORCE");
            // the ring must exist before bind() starts delivery, and after PACKET_VNET_HDR (EBUSY otherwise)
            ring = config.rxRingBlocks() > 0 ? new RxRing(libc, fd, config, scratch, counters) : null;
            try {
                bind();
            } catch (IOException e) {
                if (ring != null) {
                    ring.close();
                }
                throw e;
            }
        } catch (IOException e) {
            libc.close(fd);
            throw e;
        }
        int slot = (headroom + config.frameCapacity() + 63) & ~63;
        rx = ring == null ? new MessageBatch(config.batchSize(), slot) : null;
        tx = new MessageBatch(config.batchSize(), slot);
    }

    private void setInt(int level, int option, int value, String name) throws IOException {
        scratch.buffer.putInt(0, value);
        if (libc.setsockopt(fd, level, option, scratch.address, 4) < 0) {
            throw new IOException("setsockopt(" + name + ") on " + info.name() + ": errno " + LinuxSyscalls.errno());
        }
    }

    private void bind() throws IOException {
        UnsafeBuffer sll = scratch.buffer;
        sll.setMemory(0, SOCKADDR_LL_SIZE, (byte) 0);
        sll.putShort(0, (short) LinuxSyscalls.AF_PACKET);
        sll.putShort(2, Short.reverseBytes((short) LinuxSyscalls.ETH_P_ALL)); // htons
        sll.putInt(4, info.index());
        if (libc.bind(fd, scratch.address, SOCKADDR_LL_SIZE) < 0) {
            throw new IOException("bind(AF_PACKET, " + info.name() + "): errno " + LinuxSyscalls.errno());
        }
    }

    int fd() {
        return fd;
    }

    /** Receives at most {@code limit} frames without blocking and hands each to {@code handler}. */
    int receive(FrameHandler handler, int limit) {
        if (ring != null) {
            return ring.receive(handler, info.index(), limit);
        }
        int n = libc.recvmmsg(fd, rx.headers.address, Math.min(limit, rx.count),
            LinuxSyscalls.MSG_DONTWAIT | LinuxSyscalls.MSG_TRUNC, 0L);
        if (n <= 0) {
            if (n < 0) {
                noteErrno(LinuxSyscalls.errno());
            }
            return 0;
        }
        UnsafeBuffer frames = rx.frames.buffer;
        int delivered = 0;
        for (int i = 0; i < n; i++) {
            int length = rx.receivedLength(i);
            if (length > rx.slotSize || length < headroom) { // MSG_TRUNC reports the untruncated length
                counters.rxDropped++;
                continue;
            }
            int slot = rx.slotOffset(i);
            long offload = headroom == 0 ? Offload.NONE : VirtioNetHeader.read(frames, slot);
            int frameLength = length - headroom;
            counters.rxFrames++;
            counters.rxBytes += frameLength;
            delivered++;
            handler.onFrame(info.index(), frames, slot + headroom, frameLength, offload);
        }
        return delivered;
    }

    /** Copies a frame into the transmit batch; false when the batch is full or the frame too large. */
    boolean enqueue(DirectBuffer buffer, int offset, int length, long offload) {
        if (txQueued == tx.count || length > tx.slotSize - headroom || length < 14) {
            return false;
        }
        int slot = tx.slotOffset(txQueued);
        if (headroom != 0) {
            VirtioNetHeader.write(tx.frames.buffer, slot, offload);
        } else if (offload != Offload.NONE) {
            return false; // without PACKET_VNET_HDR the kernel cannot finish a partial checksum or segment
        }
        tx.frames.buffer.putBytes(slot + headroom, buffer, offset, length);
        tx.iovecLength(txQueued, headroom + length);
        txQueued++;
        return true;
    }

    boolean isTxFull() {
        return txQueued == tx.count;
    }

    /** Sends every queued frame; returns how many the kernel took. Failed frames are counted as drops. */
    int flush() {
        int sent = 0;
        int accepted = 0;
        while (sent < txQueued) {
            int n = libc.sendmmsg(fd, tx.messageAddress(sent), txQueued - sent, LinuxSyscalls.MSG_DONTWAIT);
            if (n > 0) {
                for (int i = sent; i < sent + n; i++) {
                    counters.txBytes += tx.receivedLength(i) - headroom;
                }
                sent += n;
                accepted += n;
                continue;
            }
            int errno = LinuxSyscalls.errno();
            if (errno == LinuxSyscalls.EINTR) {
                continue;
            }
            if (errno == LinuxSyscalls.EAGAIN || errno == LinuxSyscalls.ENOBUFS) {
                counters.txDropped += txQueued - sent; // queue full: like a NIC ring overflow, do not spin
                break;
            }
            noteErrno(errno);            // this one frame is bad (EMSGSIZE, EINVAL): skip it, send the rest
            counters.txDropped++;
            sent++;
        }
        counters.txFrames += accepted;
        txQueued = 0;
        return accepted;
    }

    /** Adds the kernel's receive-queue drops since the last call (reading resets them). */
    void collectKernelDrops() {
        scratch.buffer.putInt(8, 8);
        if (libc.getsockopt(fd, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_STATISTICS,
            scratch.address, scratch.address + 8) == 0) {
            counters.rxDropped += scratch.buffer.getInt(4) & 0xFFFF_FFFFL;
        }
    }

    private void noteErrno(int errno) {
        if (errno != LinuxSyscalls.EAGAIN && errno != LinuxSyscalls.EINTR) {
            counters.ioErrors++;
            counters.lastErrno = errno;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
            if (ring != null) {
                ring.close(); // after close(fd): the kernel no longer writes into it
            }
        }
    }
}
