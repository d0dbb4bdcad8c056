package lvs.dataplane;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import lvs.conn.ConnectionListing;
import lvs.conn.ConnectionTracker;
import lvs.io.FrameHandler;
import lvs.io.MarkedFrameHandler;
import lvs.io.MarkedPacketSource;
import lvs.io.PacketIo;
import lvs.snapshot.TableSnapshot;
import lvs.table.ConnectionView;
import org.agrona.MutableDirectBuffer;

/**
 * The data-plane thread: installs published snapshots, polls a batch of frames, runs each through the
 * {@link PacketPipeline}, flushes the transmit batch, expires connections, and sleeps in the I/O's
 * wait when idle (no spinning: the director shares its CPUs). The control plane talks to it only
 * through {@link #publish} and {@link #listConnections}; everything else is thread-confined.
 */
public final class ForwardingAgent implements Runnable, FrameHandler, MarkedFrameHandler {
    private static final int BATCH = 64;
    /** Idle sleep; also bounds how late a published snapshot is picked up. */
    private static final long IDLE_WAIT_NS = 2_000_000L;
    private static final int EXPIRY_WORK_PER_CYCLE = 4096;

    private final PacketIo io;
    private final PacketPipeline pipeline;
    private final ConnectionTracker connections;
    /** Packets the kernel marked and queued back to lvsd ({@code -f} services), or null. */
    private final MarkedPacketSource marked;
    private final AtomicReference<TableSnapshot> published = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<List<ConnectionView>>> listRequest = new AtomicReference<>();
    private volatile boolean running = true;
    private TableSnapshot installed;
    private volatile long installedGeneration = -1;
    /** {@link TableSnapshot#sequence} of the snapshot in use: counter slots retired before it may be recycled. */
    private volatile long installedSequence = -1;
    /** Per counter slot, the table object whose counts it holds as far as this thread knows (NO_OWNER: none). */
    private final long[] slotOwner;
    private static final long NO_OWNER = Long.MIN_VALUE;
    private long nowNs;
    private long nowMs;

    ForwardingAgent(PacketIo io, PacketPipeline pipeline, ConnectionTracker connections) {
        this(io, pipeline, connections, null);
    }

    ForwardingAgent(PacketIo io, PacketPipeline pipeline, ConnectionTracker connections, MarkedPacketSource marked) {
        this.marked = marked;
        this.io = io;
        this.pipeline = pipeline;
        this.connections = connections;
        this.slotOwner = new long[connections.destinations().capacity()];
        java.util.Arrays.fill(slotOwner, NO_OWNER);
    }

    /** Control thread: the next snapshot to use; the agent picks it up within one duty cycle. */
    public void publish(TableSnapshot snapshot) {
        published.set(snapshot);
    }

    /** Control thread: the connection table as {@code -Lc} lists it, built by the agent between batches. */
    public CompletableFuture<List<ConnectionView>> listConnections() {
        CompletableFuture<List<ConnectionView>> f = new CompletableFuture<>();
        CompletableFuture<List<ConnectionView>> previous = listRequest.getAndSet(f);
        if (previous != null) {
            f.whenComplete((v, t) -> previous.complete(v));
        }
        return f;
    }

    /** Table generation of the snapshot in use (any thread). */
    long installedGeneration() {
        return installedGeneration;
    }

    /** Compile sequence of the snapshot in use (any thread); -1 before the first. */
    long installedSequence() {
        return installedSequence;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            if (doWork(System.nanoTime()) == 0) {
                io.awaitFrames(IDLE_WAIT_NS);
            }
        }
    }

    /** One duty cycle at time {@code timeNs}; returns the number of frames handled. */
    int doWork(long timeNs) {
        nowNs = timeNs;
        nowMs = nowNs / 1_000_000L;
        TableSnapshot s = published.get();
        if (s != installed) {
            installed = s;
            claimSlots(s);
            pipeline.install(s, nowNs);
            installedGeneration = s.generation;
            installedSequence = s.sequence;
        }
        int frames = io.poll(this, BATCH);
        if (marked != null) {
            frames += marked.poll(this, BATCH);
        }
        io.flush();
        connections.expireDue(nowMs, EXPIRY_WORK_PER_CYCLE);
        CompletableFuture<List<ConnectionView>> request = listRequest.getAndSet(null);
        if (request != null) {
            try {
                request.complete(ConnectionListing.list(connections.table(), nowMs));
            } catch (RuntimeException e) {
                request.completeExceptionally(e);
            }
        }
        return frames;
    }

    /**
     * A counter slot that changed owner was recycled (CounterSlots): its connection counts are 0 by
     * then; clear the previous owner's thresholds and OVERLOAD before the new owner's are set.
     */
    private void claimSlots(TableSnapshot s) {
        for (int i = 0; i < s.serviceCount; i++) {
            claim(s.serviceCounterSlot[i], s.serviceId[i]);
        }
        for (int d = 0; d < s.destinationTotal; d++) {
            claim(s.destinationCounterSlot[d], s.destinationId[d]);
        }
    }

    private void claim(int slot, long id) {
        if (slot >= 0 && slot < slotOwner.length && slotOwner[slot] != id) {
            if (slotOwner[slot] != NO_OWNER) {
                connections.destinations().reset(slot);
            }
            slotOwner[slot] = id;
        }
    }

    @Override
    public boolean onMarkedFrame(int ifIndex, int mark, MutableDirectBuffer buffer, int offset, int length) {
        return pipeline.onMarkedFrame(ifIndex, mark, buffer, offset, length, nowNs, nowMs);
    }

    @Override
    public void onFrame(int ifIndex, MutableDirectBuffer buffer, int offset, int length, long offload) {
        pipeline.onFrame(ifIndex, buffer, offset, length, offload, nowNs, nowMs);
    }
}
