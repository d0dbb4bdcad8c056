package lvs.io.afpacket;

import java.io.IOException;

import lvs.io.FrameHandler;
import lvs.io.Offload;
import lvs.io.PacketIoCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import lvs.io.NativeMemory;

/**
 * The AF_PACKET SOCK_RAW sockets of one interface, bound with ETH_P_ALL, receiving and sending in
 * batches. ETH_P_ALL taps run before the netdev ingress hook, so frames that lvsd's own nftables table
 * drops for the kernel are still seen here (feasibility pitfall 2); {@code PACKET_IGNORE_OUTGOING}
 * keeps our own transmissions (and the host's) out of the receive queue; with
 * {@link AfPacketConfig#hostFramesOnly} a socket filter also keeps out frames lvsd never handles.
 *
 * <p>Receive paths ({@link AfPacketConfig}): {@code recvmmsg} on the one socket; a TPACKET_V3 ring on
 * the one socket; or both, adaptively: a second socket with the ring joins the first in a
 * {@code PACKET_FANOUT_CBPF} group whose one-instruction program sends each frame to exactly one of them,
 * and {@link ReceiveSwitch} rewrites that program when the interface's rate crosses the threshold. Sending
 * is always {@code sendmmsg} on the first socket.
 */
final class AfPacketSocket implements AutoCloseable {
    private static final int SOCKADDR_LL_SIZE = 20;
    /** Fanout members in join order: the recvmmsg socket first (index 0), the ring's second (index 1). */
    private static final SocketFilter TO_RECVMMSG = SocketFilter.constant(0);
    private static final SocketFilter TO_RING = SocketFilter.constant(1);

    final InterfaceInfo info;
    private final LinuxSyscalls libc;
    private final int fd;            // recvmmsg (unless ring only) and sendmmsg
    private final int ringFd;        // the socket the ring is on: fd (ring only), another one (adaptive), or -1
    private final int headroom;
    private final MessageBatch rx;   // null when receiving through the ring only
    private final RxRing ring;       // null when receiving with recvmmsg only
    private final ReceiveSwitch rxSwitch; // null unless adaptive
    /** After switching to the ring: frames queued on the recvmmsg socket before the switch are still read. */
    private boolean drainRecvmmsg;
    /** Skips recvmmsg on this socket while it was last found empty (see {@link RecvmmsgGate}). */
    private final RecvmmsgGate gate = new RecvmmsgGate();
    private final MessageBatch tx;
    private final NativeMemory scratch = new NativeMemory(64);
    private final PacketIoCounters counters;
    /** Why an adaptive receive path fell back to recvmmsg only (null: it did not). */
    final String adaptiveFallback;
    private int txQueued;
    private boolean closed;

    AfPacketSocket(InterfaceInfo info, AfPacketConfig config, PacketIoCounters counters) throws IOException {
        this.info = info;
        this.counters = counters;
        this.libc = LinuxSyscalls.load();
        this.headroom = config.vnetHeader() ? VirtioNetHeader.LENGTH : 0;
        boolean adaptive = config.rxRingBlocks() > 0 && config.rxSwitchPps() > 0;
        boolean ringOnly = config.rxRingBlocks() > 0 && !adaptive;
        RxRing[] rings = new RxRing[1];
        fd = open(config, ringOnly ? rings : null, adaptive);
        int second = -1;
        String fallback = null;
        try {
            if (adaptive) {
                try {
                    second = open(config, rings, true);
                    joinFanout(second);
                } catch (IOException e) {
                    closeQuietly(second, rings);
                    second = -1;
                    fallback = e.getMessage();
                }
            }
            // everything is set up: open the gates (a fanout member that would have let our own output in
            // gets a filter that keeps it out)
            SocketFilter filter = config.hostFramesOnly() ? SocketFilter.HOST_IP_AND_ARP
                : adaptive ? SocketFilter.NOT_OUTGOING : null;
            if (filter != null) {
                filter.attach(libc, fd);
                if (second >= 0) {
                    filter.attach(libc, second);
                }
            }
        } catch (IOException e) {
            closeQuietly(second, second >= 0 ? rings : null);
            closeQuietly(fd, ringOnly ? rings : null);
            throw e;
        }
        ring = rings[0];
        ringFd = ringOnly ? fd : second;
        adaptiveFallback = fallback;
        rxSwitch = second >= 0 ? new ReceiveSwitch(config.rxSwitchPps(), System.nanoTime()) : null;
        int slot = (headroom + config.frameCapacity() + 63) & ~63;
        rx = ringOnly ? null : new MessageBatch(config.batchSize(), slot);
        tx = new MessageBatch(config.batchSize(), slot);
    }

    /**
     * Opens, sets up and binds one socket, with a receive ring in {@code ring[0]} when {@code ring} is
     * given; with {@code closed}, it receives nothing yet (socket filter {@link SocketFilter#NOTHING}):
     * a socket that will join a fanout group must be bound first, and must not take frames until then.
     */
    private int open(AfPacketConfig config, RxRing[] ring, boolean closed) throws IOException {
        // protocol 0 at creation: the socket receives nothing until bind() names interface and protocol,
        // so no frame of another interface can slip in between
        int s = libc.socket(LinuxSyscalls.AF_PACKET, LinuxSyscalls.SOCK_RAW, 0);
        if (s < 0) {
            throw new IOException("socket(AF_PACKET): errno " + LinuxSyscalls.errno() + " (needs CAP_NET_RAW)");
        }
        try {
            setInt(s, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            if (config.vnetHeader()) {
                setInt(s, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            if (config.qdiscBypass()) {
                setInt(s, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            setInt(s, LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_RCVBUFFORCE, config.receiveBufferBytes(), "SO_RCVBUFFORCE");
            setInt(s, LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_SNDBUFFORCE, config.sendBufferBytes(), "SO_SNDBUFFORCE");
            if (closed) {
                SocketFilter.NOTHING.attach(libc, s);
            }
            // the ring must exist before bind() starts delivery, and after PACKET_VNET_HDR (EBUSY otherwise)
            if (ring != null) {
                ring[0] = new RxRing(libc, s, config, scratch, counters);
            }
            bind(s);
            return s;
        } catch (IOException e) {
            closeQuietly(s, ring);
            throw e;
        }
    }

    /**
     * Puts {@link #fd} (member 0) and {@code ringSocket} (member 1) into a new PACKET_FANOUT_CBPF group
     * whose program sends every frame to member 0 for now. Both must be bound (the kernel's rule).
     */
    private void joinFanout(int ringSocket) throws IOException {
        int flags = LinuxSyscalls.PACKET_FANOUT_CBPF | LinuxSyscalls.PACKET_FANOUT_FLAG_IGNORE_OUTGOING;
        setInt(fd, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_FANOUT,
            (flags | LinuxSyscalls.PACKET_FANOUT_FLAG_UNIQUEID) << 16, "PACKET_FANOUT (new group)");
        scratch.buffer.putInt(8, 4);
        if (libc.getsockopt(fd, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_FANOUT, scratch.address,
            scratch.address + 8) < 0) {
            throw new IOException("getsockopt(PACKET_FANOUT) on " + info.name() + ": errno " + LinuxSyscalls.errno());
        }
        int group = scratch.buffer.getInt(0) & 0xFFFF;
        setInt(ringSocket, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_FANOUT, group | flags << 16,
            "PACKET_FANOUT (join group " + group + ")");
        if (!TO_RECVMMSG.steerFanout(libc, fd)) {
            throw new IOException("setsockopt(PACKET_FANOUT_DATA) on " + info.name() + ": errno " + LinuxSyscalls.errno());
        }
    }

    private void closeQuietly(int s, RxRing[] ring) {
        if (s >= 0) {
            libc.close(s);
        }
        if (ring != null && ring[0] != null) {
            ring[0].close(); // after close(s): the kernel no longer writes into it
            ring[0] = null;
        }
    }

    private void setInt(int s, int level, int option, int value, String name) throws IOException {
        scratch.buffer.putInt(0, value);
        if (libc.setsockopt(s, level, option, scratch.address, 4) < 0) {
            throw new IOException("setsockopt(" + name + ") on " + info.name() + ": errno " + LinuxSyscalls.errno());
        }
    }

    private void bind(int s) throws IOException {
        UnsafeBuffer sll = scratch.buffer;
        sll.setMemory(0, SOCKADDR_LL_SIZE, (byte) 0);
        sll.putShort(0, (short) LinuxSyscalls.AF_PACKET);
        sll.putShort(2, Short.reverseBytes((short) LinuxSyscalls.ETH_P_ALL)); // htons
        sll.putInt(4, info.index());
        if (libc.bind(s, scratch.address, SOCKADDR_LL_SIZE) < 0) {
            throw new IOException("bind(AF_PACKET, " + info.name() + "): errno " + LinuxSyscalls.errno());
        }
    }

    int fd() {
        return fd;
    }

    /** The ring's socket when it is not {@link #fd} (adaptive receive), else -1: also to be polled. */
    int secondFd() {
        return ringFd == fd ? -1 : ringFd;
    }

    /** How this interface receives right now, for logs: "recvmmsg", "ring", or "recvmmsg+ring (ring)". */
    String receivePath() {
        if (rxSwitch != null) {
            return "recvmmsg+ring (" + (rxSwitch.ringActive() ? "ring" : "recvmmsg") + ")";
        }
        return ring != null ? "ring" : "recvmmsg";
    }

    /**
     * Receives at most {@code limit} frames without blocking and hands each to {@code handler}; {@code nowNs}
     * is the duty cycle's time (one clock read per cycle for every socket). The recvmmsg socket is read only
     * when its {@link RecvmmsgGate} says so; a ring is always looked at (a memory load).
     */
    int receive(FrameHandler handler, int limit, long nowNs) {
        if (rx == null) {
            return ring.receive(handler, info.index(), limit);
        }
        if (rxSwitch == null) {
            return gate.due(nowNs) ? receiveBatch(handler, limit, nowNs) : 0;
        }
        // adaptive: the ring is read always (a memory load when empty; after a switch away from it, its
        // last block retires within the timeout), the recvmmsg socket while it is the active path or
        // still holds frames from before the switch, and its gate lets it
        int delivered = ring.receive(handler, info.index(), limit);
        boolean wanted = delivered < limit && (!rxSwitch.ringActive() || drainRecvmmsg);
        boolean batchCall = wanted && gate.due(nowNs);
        int n = 0;
        if (batchCall) {
            int asked = Math.min(limit - delivered, rx.count);
            n = receiveBatch(handler, asked, nowNs);
            delivered += n;
            if (n < asked) {
                drainRecvmmsg = false;
            }
        }
        // a read the gate skipped counts as the empty read it stands for (and a re-check's batch as read):
        // ReceiveSwitch's frames per read stay those of a read every cycle, the measure its thresholds were
        // set with; not counting the skips would raise the average and move interfaces to the ring sooner
        if (rxSwitch.account(delivered, wanted && !rxSwitch.ringActive(), n, nowNs)) {
            switchReceivePath();
        }
        return delivered;
    }

    /**
     * {@code poll(2)} found the recvmmsg socket readable (or with an error to collect) or not at
     * {@code nowNs}: opens or closes its gate.
     */
    void polled(boolean readable, long nowNs) {
        gate.found(readable, nowNs);
    }

    private void switchReceivePath() {
        boolean toRing = rxSwitch.ringActive();
        if ((toRing ? TO_RING : TO_RECVMMSG).steerFanout(libc, fd)) {
            drainRecvmmsg = toRing;
        } else {
            noteErrno(LinuxSyscalls.errno());
            rxSwitch.revert();
        }
    }

    private int receiveBatch(FrameHandler handler, int limit, long nowNs) {
        int n = libc.recvmmsg(fd, rx.headers.address, Math.min(limit, rx.count),
            LinuxSyscalls.MSG_DONTWAIT | LinuxSyscalls.MSG_TRUNC, 0L);
        gate.found(n > 0, nowNs);
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
        collectKernelDrops(fd);
        if (ringFd >= 0 && ringFd != fd) {
            collectKernelDrops(ringFd);
        }
    }

    private void collectKernelDrops(int s) {
        scratch.buffer.putInt(8, 8);
        if (libc.getsockopt(s, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_STATISTICS,
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
            if (ringFd >= 0 && ringFd != fd) {
                libc.close(ringFd);
            }
            if (ring != null) {
                ring.close(); // after closing its socket: the kernel no longer writes into it
            }
        }
    }
}
