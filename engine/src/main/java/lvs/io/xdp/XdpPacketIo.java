package lvs.io.xdp;

import java.io.IOException;
import java.util.Set;

import lvs.io.FrameHandler;
import lvs.io.Offload;
import lvs.io.PacketIo;
import lvs.io.PacketIoCounters;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.afpacket.InterfaceInfo;
import lvs.io.afpacket.NetworkInterfaces;
import lvs.io.kernel.GuardTarget;
import org.agrona.DirectBuffer;
import lvs.io.NativeMemory;

/**
 * {@link PacketIo} over AF_XDP for the frames that matter, with an AF_PACKET backend beside it for
 * the rest, so that lvsd behaves exactly as with AF_PACKET alone, only faster:
 * <ul>
 *   <li>an XDP program on each interface ({@link SteeringProgram}) redirects the frames lvsd forwards
 *       (those its kernel guard keeps from the kernel; {@link #steer}) into one AF_XDP socket per
 *       interface: no skb, no taps, no nftables on the way in;</li>
 *   <li>everything else goes up the stack as before, where the AF_PACKET ETH_P_ALL tap hands it to
 *       lvsd too (ARP, ICMP errors, traffic the guard does not cover, CHECKSUM_PARTIAL frames from a
 *       local veth sender, whose metadata only PACKET_VNET_HDR carries);</li>
 *   <li>frames are sent through AF_XDP, except frames with offload metadata (partial checksum, GSO),
 *       which go through AF_PACKET's PACKET_VNET_HDR so the kernel finishes them.</li>
 * </ul>
 * Interfaces are looked up, sockets created and programs attached in the calling thread's network
 * namespace. The program is attached as a bpf_link: it goes away with lvsd, however lvsd ends.
 */
public final class XdpPacketIo implements PacketIo {
    private static final int EPOLL_EVENT_SIZE = 12;
    /**
     * The AF_PACKET side carries the rare rest (ARP, ICMP, unsteered traffic) and reading it costs a
     * recvmmsg per interface when it runs without a ring, so it is read after every real wait in
     * poll(2) (which may have been its frame's wake-up) and otherwise every this many polls only.
     */
    private static final int STACK_EVERY = 16;
    /** A frame within this long counts as a running stream, worth spinning for the next one. */
    private static final long STREAM_WINDOW_NS = 1_000_000;

    private final AfPacketIo stack;
    private final XskSocket[] sockets;
    private final XdpProgram[] programs;
    private final XdpSteering steering;   // null when every frame is redirected
    private final int epollFd;
    private final PacketIoCounters counters = new PacketIoCounters();
    /** The AF_XDP side's counters; {@link #counters} adds the AF_PACKET side's. */
    private final PacketIoCounters xsk;
    private final int frameSize;
    private final long spinNs;
    /** When AF_XDP last delivered a frame (nanoTime). */
    private long lastFrameNs = Long.MIN_VALUE / 2;
    /** The AF_PACKET side must be read at the next poll (after a wait in poll(2)). */
    private boolean stackDue = true;
    private final String[] attachModes;
    private int nextSocket;
    private int pollsSinceStack;
    private boolean closed;

    private XdpPacketIo(AfPacketIo stack, XskSocket[] sockets, XdpProgram[] programs, XdpSteering steering,
                        int epollFd, PacketIoCounters xsk, XdpConfig config) {
        this.stack = stack;
        this.xsk = xsk;
        this.frameSize = config.frameSize();
        this.spinNs = config.spinNs();
        this.sockets = sockets;
        this.programs = programs;
        this.steering = steering;
        this.epollFd = epollFd;
        attachModes = new String[programs.length];
        for (int i = 0; i < programs.length; i++) {
            attachModes[i] = programs[i].mode;
        }
    }

    /** Opens AF_XDP (and AF_PACKET) on each named interface of the calling thread's namespace. */
    public static XdpPacketIo open(XdpConfig config, AfPacketConfig stackConfig, String... interfaceNames)
        throws IOException {
        if (interfaceNames.length == 0) {
            throw new IllegalArgumentException("no interfaces");
        }
        XdpSyscalls libc = XdpSyscalls.load();
        AfPacketIo stack = null;
        XskSocket[] sockets = new XskSocket[interfaceNames.length];
        XdpProgram[] programs = new XdpProgram[interfaceNames.length];
        XdpSteering steering = null;
        int epoll = -1;
        XdpPacketIo io = null;
        try {
            stack = AfPacketIo.open(stackConfig, interfaceNames);
            PacketIoCounters xskCounters = new PacketIoCounters();
            if (config.steering() == XdpConfig.Steering.GUARDED) {
                steering = new XdpSteering();
            }
            epoll = libc.epoll_create1(XdpSyscalls.EPOLL_CLOEXEC);
            if (epoll < 0) {
                throw new IOException("epoll_create1: errno " + XdpSyscalls.errno());
            }
            for (int i = 0; i < interfaceNames.length; i++) {
                InterfaceInfo info = NetworkInterfaces.lookup(interfaceNames[i]);
                sockets[i] = new XskSocket(info.index(), config, xskCounters);
                // the longest wire frame (MTU + Ethernet + one VLAN tag) that fits a UMEM chunk after
                // the kernel's 256-byte XDP headroom
                int maxFrame = Math.min(info.mtu() + 18, config.frameSize() - 256);
                programs[i] = XdpProgram.attach(info.index(), info.name(), sockets[i].fd(),
                    steering == null ? -1 : steering.mapFd, maxFrame, config.attachMode());
                addToEpoll(libc, epoll, sockets[i].fd());
            }
            io = new XdpPacketIo(stack, sockets, programs, steering, epoll, xskCounters, config);
            stack.wakeAlsoOn(epoll); // one poll(2) waits for both paths
            return io;
        } finally {
            if (io == null) {
                for (XdpProgram p : programs) {
                    if (p != null) {
                        p.close();
                    }
                }
                for (XskSocket s : sockets) {
                    if (s != null) {
                        s.close();
                    }
                }
                if (steering != null) {
                    steering.close();
                }
                if (epoll >= 0) {
                    libc.close(epoll);
                }
                if (stack != null) {
                    stack.close();
                }
            }
        }
    }

    private static void addToEpoll(XdpSyscalls libc, int epoll, int fd) throws IOException {
        NativeMemory event = new NativeMemory(EPOLL_EVENT_SIZE);
        event.buffer.putInt(0, XdpSyscalls.EPOLLIN);
        event.buffer.putLong(4, fd);
        if (libc.epoll_ctl(epoll, XdpSyscalls.EPOLL_CTL_ADD, fd, event.address) < 0) {
            throw new IOException("epoll_ctl(ADD " + fd + "): errno " + XdpSyscalls.errno());
        }
    }

    /**
     * Makes the XDP programs redirect exactly {@code targets} (a subset of the kernel guard's). Control
     * thread; a no-op when every frame is redirected. Returns the number of targets that did not fit.
     */
    public int steer(Set<GuardTarget> targets) {
        return steering == null ? 0 : steering.replace(targets);
    }

    /** What the XDP programs redirect now (empty when they redirect everything). */
    public Set<GuardTarget> steeredTargets() {
        return steering == null ? Set.of() : steering.targets();
    }

    /** "native" or "generic" per interface, in the order given to {@link #open}. */
    public String[] attachModes() {
        return attachModes.clone();
    }

    /** Frames received through AF_XDP (the rest of {@code counters().rxFrames} came through AF_PACKET). */
    public long xskRxFrames() {
        return xsk.rxFrames;
    }

    /** Frames sent through AF_XDP. */
    public long xskTxFrames() {
        return xsk.txFrames;
    }

    /** Makes {@link #awaitFrames} also return when {@code fd} becomes readable (lvsd's NFQUEUE socket). */
    public void wakeAlsoOn(int fd) {
        try {
            addToEpoll(XdpSyscalls.load(), epollFd, fd);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public int poll(FrameHandler handler, int limit) {
        int delivered = 0;
        for (int visited = 0; visited < sockets.length && delivered < limit; visited++) {
            XskSocket socket = sockets[nextSocket];
            nextSocket = nextSocket + 1 == sockets.length ? 0 : nextSocket + 1;
            delivered += socket.receive(handler, limit - delivered);
        }
        if (delivered > 0) {
            lastFrameNs = System.nanoTime();
        }
        if (delivered < limit && (stackDue || ++pollsSinceStack >= STACK_EVERY)) {
            stackDue = false;
            pollsSinceStack = 0;
            delivered += stack.poll(handler, limit - delivered);
        }
        addUp();
        return delivered;
    }

    @Override
    public boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload) {
        boolean queued;
        if (offload != Offload.NONE || length > frameSize) {
            // the kernel finishes partial checksums and GSO; a frame larger than a UMEM chunk cannot go by XDP
            queued = stack.send(ifIndex, buffer, offset, length, offload);
        } else {
            XskSocket socket = socketFor(ifIndex);
            queued = socket != null && socket.enqueue(buffer, offset, length);
            if (!queued) {
                xsk.txDropped++;
            }
        }
        addUp();
        return queued;
    }

    @Override
    public int flush() {
        int accepted = 0;
        for (XskSocket socket : sockets) {
            accepted += socket.flush();
        }
        accepted += stack.flush();
        addUp();
        return accepted;
    }

    @Override
    public void awaitFrames(long timeoutNs) {
        long now = System.nanoTime();
        if (spinNs > 0 && now - lastFrameNs < STREAM_WINDOW_NS) {
            long deadline = now + Math.min(spinNs, timeoutNs);
            do {
                for (XskSocket socket : sockets) {
                    if (socket.hasFrames()) {
                        return;
                    }
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - deadline < 0);
        }
        stack.awaitFrames(timeoutNs); // poll(2) on the AF_PACKET sockets and the epoll set of the XSKs
        stackDue = true;
        for (XskSocket socket : sockets) {
            socket.collectKernelDrops();
        }
        addUp();
    }

    @Override
    public int[] interfaces() {
        return stack.interfaces();
    }

    @Override
    public PacketIoCounters counters() {
        return counters;
    }

    /** counters = AF_XDP's + AF_PACKET's; plain field copies, no allocation. */
    private void addUp() {
        PacketIoCounters s = stack.counters();
        counters.rxFrames = xsk.rxFrames + s.rxFrames;
        counters.rxBytes = xsk.rxBytes + s.rxBytes;
        counters.rxDropped = xsk.rxDropped + s.rxDropped;
        counters.txFrames = xsk.txFrames + s.txFrames;
        counters.txBytes = xsk.txBytes + s.txBytes;
        counters.txDropped = xsk.txDropped + s.txDropped;
        counters.ioErrors = xsk.ioErrors + s.ioErrors;
        counters.lastErrno = xsk.lastErrno != 0 ? xsk.lastErrno : s.lastErrno;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (XdpProgram p : programs) {
            p.close(); // detach first: from now on frames go to the stack
        }
        for (XskSocket s : sockets) {
            s.close();
        }
        if (steering != null) {
            steering.close();
        }
        XdpSyscalls.load().close(epollFd);
        stack.close();
    }

    private XskSocket socketFor(int ifIndex) {
        for (XskSocket socket : sockets) {
            if (socket.ifIndex == ifIndex) {
                return socket;
            }
        }
        return null;
    }
}
