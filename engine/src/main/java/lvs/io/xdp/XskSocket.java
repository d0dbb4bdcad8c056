package lvs.io.xdp;

import java.io.IOException;

import jnr.ffi.Pointer;
import lvs.io.FrameHandler;
import lvs.io.Offload;
import lvs.io.PacketIoCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import lvs.io.NativeMemory;

/**
 * One AF_XDP socket bound to queue 0 of one interface, in copy mode (veth has no zero-copy), with its
 * own UMEM: the first {@code ringSize} frames receive, the rest transmit.
 *
 * <p>The four rings are single-producer/single-consumer queues shared with the kernel, each with a
 * producer and a consumer index (free-running u32) and a power-of-two array of descriptors. The
 * protocol, as in libxdp's xsk.h: read the other side's index with acquire semantics
 * ({@code getIntVolatile}) before touching the descriptors it covers, and publish our own index with
 * release semantics ({@code putIntOrdered}) after writing or reading them.
 * <pre>
 *   fill       we produce free receive frames (u64 addresses)     → kernel
 *   rx         kernel produces received frames (xdp_desc 16 B)    → we consume, then refill
 *   tx         we produce frames to send (xdp_desc)               → kernel, on a send() kick
 *   completion kernel produces sent frames' addresses (u64)       → we put them back on the free list
 * </pre>
 */
final class XskSocket implements AutoCloseable {
    private static final int SOCKADDR_XDP_SIZE = 16;
    private static final int UMEM_REG_SIZE = 24;       // struct xdp_umem_reg up to headroom (v1)
    private static final int MMAP_OFFSETS_SIZE = 128;  // struct xdp_mmap_offsets: rx, tx, fr, cr
    private static final int STATISTICS_SIZE = 48;
    /**
     * Frames one transmit kick may send in copy mode (the kernel's default is 32, then EAGAIN and another
     * kick); XDP_MAX_TX_SKB_BUDGET exists since Linux 6.17, older kernels keep 32.
     */
    private static final int XDP_MAX_TX_SKB_BUDGET = 9;
    /** Kernel drop statistics are read every this many waits: a syscall per socket the idle path can skip. */
    private static final int STATISTICS_EVERY = 64;

    final int ifIndex;
    private final XdpSyscalls libc;
    private final int fd;
    private final int ringSize;
    private final int mask;
    private final int frameSize;
    private final int txBatch;
    private final PacketIoCounters counters;
    private final NativeMemory umem;
    private final NativeMemory scratch = new NativeMemory(MMAP_OFFSETS_SIZE + 16);
    private final Ring fill;
    private final Ring completion;
    private final Ring rx;
    private final Ring tx;
    /** Transmit frames that are neither queued nor in the kernel's hands. */
    private final long[] freeTxFrames;
    private int freeTxCount;
    /** Frame length by TX ring position, to count bytes once the kernel consumed them. */
    private final int[] txLengths;
    private int txProducer;       // ours, published by flush
    private int txConsumed;       // the kernel's consumer index as last seen
    private int rxConsumer;
    private int fillProducer;
    private int completionConsumer;
    private long lastKernelDrops;
    private int waitsSinceStatistics;
    private boolean closed;

    /** A mapped ring: its memory and the offsets of producer, consumer and descriptors. */
    private static final class Ring {
        final long address;
        final long length;
        final UnsafeBuffer memory;
        final int producer;
        final int consumer;
        final int descriptors;

        Ring(long address, long length, int producer, int consumer, int descriptors) {
            this.address = address;
            this.length = length;
            this.memory = new UnsafeBuffer(address, (int) length);
            this.producer = producer;
            this.consumer = consumer;
            this.descriptors = descriptors;
        }
    }

    XskSocket(int ifIndex, XdpConfig config, PacketIoCounters counters) throws IOException {
        this.ifIndex = ifIndex;
        this.libc = XdpSyscalls.load();
        this.ringSize = config.ringSize();
        this.mask = ringSize - 1;
        this.frameSize = config.frameSize();
        this.txBatch = config.txBatch();
        this.counters = counters;
        this.umem = new NativeMemory(2 * ringSize * frameSize);
        this.freeTxFrames = new long[ringSize];
        this.txLengths = new int[ringSize];
        fd = libc.socket(XdpSyscalls.AF_XDP, XdpSyscalls.SOCK_RAW, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_XDP): errno " + XdpSyscalls.errno() + " (needs CAP_NET_RAW and CONFIG_XDP_SOCKETS)");
        }
        Ring f = null, c = null, r = null, t = null;
        try {
            UnsafeBuffer s = scratch.buffer;
            s.putLong(0, umem.address);
            s.putLong(8, (long) 2 * ringSize * frameSize);
            s.putInt(16, frameSize);
            s.putInt(20, 0); // headroom
            setsockopt(XdpSyscalls.XDP_UMEM_REG, UMEM_REG_SIZE, "XDP_UMEM_REG");
            for (int option : new int[] {XdpSyscalls.XDP_UMEM_FILL_RING, XdpSyscalls.XDP_UMEM_COMPLETION_RING,
                XdpSyscalls.XDP_RX_RING, XdpSyscalls.XDP_TX_RING}) {
                s.putInt(0, ringSize);
                setsockopt(option, 4, "ring size option " + option);
            }
            s.putInt(MMAP_OFFSETS_SIZE, MMAP_OFFSETS_SIZE);
            if (libc.getsockopt(fd, XdpSyscalls.SOL_XDP, XdpSyscalls.XDP_MMAP_OFFSETS, scratch.address,
                scratch.address + MMAP_OFFSETS_SIZE) < 0) {
                throw new IOException("getsockopt(XDP_MMAP_OFFSETS): errno " + XdpSyscalls.errno());
            }
            long[] off = new long[16];
            for (int i = 0; i < 16; i++) {
                off[i] = s.getLong(i * 8);
            }
            r = map(off, 0, 16, XdpSyscalls.XDP_PGOFF_RX_RING, "rx");
            t = map(off, 4, 16, XdpSyscalls.XDP_PGOFF_TX_RING, "tx");
            f = map(off, 8, 8, XdpSyscalls.XDP_UMEM_PGOFF_FILL_RING, "fill");
            c = map(off, 12, 8, XdpSyscalls.XDP_UMEM_PGOFF_COMPLETION_RING, "completion");
            // every receive frame to the kernel before bind, so the first frames find room
            for (int i = 0; i < ringSize; i++) {
                f.memory.putLong(f.descriptors + i * 8, (long) i * frameSize);
            }
            fillProducer = ringSize;
            f.memory.putIntOrdered(f.producer, fillProducer);
            for (int i = 0; i < ringSize; i++) {
                freeTxFrames[i] = (long) (ringSize + i) * frameSize;
            }
            freeTxCount = ringSize;
            s.putInt(0, Math.max(32, config.txBatch()));
            libc.setsockopt(fd, XdpSyscalls.SOL_XDP, XDP_MAX_TX_SKB_BUDGET, scratch.address, 4); // best effort
            s.setMemory(0, SOCKADDR_XDP_SIZE, (byte) 0);
            s.putShort(0, (short) XdpSyscalls.AF_XDP);
            s.putShort(2, (short) XdpSyscalls.XDP_COPY);
            s.putInt(4, ifIndex);
            s.putInt(8, 0); // queue 0: the only one of a default veth
            bind();
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            for (Ring ring : new Ring[] {f, c, r, t}) {
                if (ring != null) {
                    libc.munmap(ring.address, ring.length);
                }
            }
            throw e;
        }
        fill = f;
        completion = c;
        rx = r;
        tx = t;
    }

    /**
     * Binds to queue 0. A socket closed just before (lvsd restarting its I/O, a test) releases its queue
     * asynchronously: EBUSY for a few milliseconds, so that is retried for up to a second.
     */
    private void bind() throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (libc.bind(fd, scratch.address, SOCKADDR_XDP_SIZE) == 0) {
                return;
            }
            int errno = XdpSyscalls.errno();
            if (errno != XdpSyscalls.EBUSY || attempt == 100) {
                throw new IOException("bind(AF_XDP, ifindex " + ifIndex + ", queue 0): errno " + errno
                    + (errno == XdpSyscalls.EBUSY ? " (another AF_XDP socket holds the queue)" : ""));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while binding AF_XDP", e);
            }
        }
    }

    private void setsockopt(int option, int length, String name) throws IOException {
        if (libc.setsockopt(fd, XdpSyscalls.SOL_XDP, option, scratch.address, length) < 0) {
            throw new IOException("setsockopt(" + name + "): errno " + XdpSyscalls.errno());
        }
    }

    /** Maps one ring; {@code at} indexes its {producer, consumer, desc, flags} offsets in {@code off}. */
    private Ring map(long[] off, int at, int descriptorSize, long pageOffset, String name) throws IOException {
        long length = off[at + 2] + (long) ringSize * descriptorSize;
        Pointer p = libc.mmap(null, length, XdpSyscalls.PROT_READ_WRITE,
            XdpSyscalls.MAP_SHARED | XdpSyscalls.MAP_POPULATE, fd, pageOffset);
        if (p == null || p.address() == -1L) {
            throw new IOException("mmap of the AF_XDP " + name + " ring: errno " + XdpSyscalls.errno());
        }
        return new Ring(p.address(), length, (int) off[at], (int) off[at + 1], (int) off[at + 2]);
    }

    int fd() {
        return fd;
    }

    /** Hands at most {@code limit} received frames to {@code handler}, then gives their frames back. */
    int receive(FrameHandler handler, int limit) {
        int available = rx.memory.getIntVolatile(rx.producer) - rxConsumer;
        if (available == 0) {
            return 0;
        }
        int n = Math.min(available, limit);
        UnsafeBuffer ring = rx.memory;
        UnsafeBuffer frames = umem.buffer;
        for (int i = 0; i < n; i++) {
            int d = rx.descriptors + ((rxConsumer + i) & mask) * 16;
            long address = ring.getLong(d);
            int length = ring.getInt(d + 8);
            counters.rxFrames++;
            counters.rxBytes += length;
            handler.onFrame(ifIndex, frames, (int) address, length, Offload.NONE);
            // the chunk goes back to the fill ring (published after the batch): aligned mode wants its start
            fill.memory.putLong(fill.descriptors + ((fillProducer + i) & mask) * 8, address & -frameSize);
        }
        rxConsumer += n;
        fillProducer += n;
        rx.memory.putIntOrdered(rx.consumer, rxConsumer);       // descriptors read
        fill.memory.putIntOrdered(fill.producer, fillProducer); // fill entries written
        return n;
    }

    /** True when the kernel has produced frames we have not consumed (a memory read, no syscall). */
    boolean hasFrames() {
        return rx.memory.getIntVolatile(rx.producer) != rxConsumer;
    }

    /** Copies a frame into a transmit frame and queues it; false when full or the frame does not fit. */
    boolean enqueue(DirectBuffer buffer, int offset, int length) {
        if (length > frameSize || length < 14) {
            return false;
        }
        if (txProducer - txConsumed >= txBatch) {
            txConsumed = tx.memory.getIntVolatile(tx.consumer);
            if (txProducer - txConsumed >= txBatch) {
                return false;
            }
        }
        if (freeTxCount == 0 && reclaimCompleted() == 0) {
            return false;
        }
        long frame = freeTxFrames[--freeTxCount];
        umem.buffer.putBytes((int) frame, buffer, offset, length);
        int slot = txProducer & mask;
        int d = tx.descriptors + slot * 16;
        tx.memory.putLong(d, frame);
        tx.memory.putInt(d + 8, length);
        tx.memory.putInt(d + 12, 0);
        txLengths[slot] = length;
        txProducer++;
        return true;
    }

    /**
     * Publishes the queued descriptors and kicks the kernel until it took them all. In copy mode each
     * kick transmits at most 32 frames (then EAGAIN) and stops early when the device queue is busy; what
     * it did not take stays queued for the next flush. Returns how many the kernel took.
     */
    int flush() {
        int start = txConsumed;
        if (txProducer != tx.memory.getIntVolatile(tx.consumer)) {
            tx.memory.putIntOrdered(tx.producer, txProducer);
            for (int kicks = 0; kicks < 64; kicks++) {
                int before = tx.memory.getIntVolatile(tx.consumer);
                int rc = libc.send(fd, 0L, 0L, XdpSyscalls.MSG_DONTWAIT);
                int errno = rc < 0 ? XdpSyscalls.errno() : 0;
                int after = tx.memory.getIntVolatile(tx.consumer);
                reclaimCompleted();
                if (after == txProducer) {
                    break;
                }
                if (errno != 0 && errno != XdpSyscalls.EAGAIN && errno != XdpSyscalls.EBUSY
                    && errno != XdpSyscalls.ENOBUFS && errno != XdpSyscalls.EINTR) {
                    counters.ioErrors++;
                    counters.lastErrno = errno;
                    break;
                }
                if (after == before && errno != XdpSyscalls.EINTR) {
                    break; // device busy: try again on the next flush
                }
            }
        }
        txConsumed = tx.memory.getIntVolatile(tx.consumer);
        int accepted = txConsumed - start;
        for (int i = start; i != txConsumed; i++) {
            counters.txBytes += txLengths[i & mask];
        }
        counters.txFrames += accepted;
        return accepted;
    }

    /** Moves sent frames from the completion ring to the free list; returns how many. */
    private int reclaimCompleted() {
        int produced = completion.memory.getIntVolatile(completion.producer);
        int n = produced - completionConsumer;
        for (int i = 0; i < n; i++) {
            freeTxFrames[freeTxCount++] =
                completion.memory.getLong(completion.descriptors + ((completionConsumer + i) & mask) * 8);
        }
        completionConsumer = produced;
        completion.memory.putIntOrdered(completion.consumer, completionConsumer);
        return n;
    }

    /** Adds the frames the kernel dropped for want of room in the RX ring since the last call. */
    void collectKernelDrops() {
        if (++waitsSinceStatistics < STATISTICS_EVERY) {
            return;
        }
        waitsSinceStatistics = 0;
        scratch.buffer.putInt(STATISTICS_SIZE, STATISTICS_SIZE);
        if (libc.getsockopt(fd, XdpSyscalls.SOL_XDP, XdpSyscalls.XDP_STATISTICS, scratch.address,
            scratch.address + STATISTICS_SIZE) == 0) {
            long drops = scratch.buffer.getLong(0) + scratch.buffer.getLong(24); // rx_dropped + rx_ring_full
            counters.rxDropped += drops - lastKernelDrops;
            lastKernelDrops = drops;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
            for (Ring ring : new Ring[] {fill, completion, rx, tx}) {
                libc.munmap(ring.address, ring.length);
            }
        }
    }
}
