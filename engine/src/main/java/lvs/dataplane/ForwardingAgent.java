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
    /** The last snapshot taken from {@link #published} (installed or refused). */
    private TableSnapshot seen;
    /** The snapshot forwarding uses: the last one that installed without an exception. */
    private TableSnapshot installed;
    private final DataPlaneEvents events;
    /** Unexpected exceptions are logged at most once per {@link #ERROR_LOG_INTERVAL_NS}; the rest are counted. */
    private static final long ERROR_LOG_INTERVAL_NS = 10_000_000_000L;
    private long lastErrorLogNs;
    private boolean errorLogged;
    private long errorsNotLogged;
    private volatile long installedGeneration = -1;
    /** {@link TableSnapshot#sequence} of the snapshot in use: counter slots retired before it may be recycled. */
    private volatile long installedSequence = -1;
    /** Per counter slot, the table object whose counts it holds as far as this thread knows (NO_OWNER: none). */
    private long[] slotOwner;
    private final DataPlaneCounters counters;
    private static final long NO_OWNER = Long.MIN_VALUE;
    private long nowNs;
    private long nowMs;
    /**
     * Whether the snapshot in use has a {@code -f} service: only then does the kernel queue packets to
     * lvsd (lvsd's NFQUEUE rules exist for -f services' marks only, set before the snapshot is published),
     * so only then is the queue read every duty cycle; a system call per cycle otherwise wasted.
     */
    private boolean readMarked;
    /**
     * The queue may still hold packets: the last read returned some, or a snapshot was just installed
     * (packets queued under the previous rules are read, and dropped if no service wants them, rather
     * than left to a later -f service). Idle cycles read the queue too, so a stray packet can never keep
     * the idle wait (which also wakes on the queue's descriptor) from sleeping.
     */
    private boolean markedBacklog;

    /**
     * @param counters the counters {@code pipeline} writes: grown here, by their writer, before a snapshot
     *                 naming slots beyond them is installed (as are the connection counts)
     */
    ForwardingAgent(PacketIo io, PacketPipeline pipeline, ConnectionTracker connections, DataPlaneCounters counters,
                    MarkedPacketSource marked, DataPlaneEvents events) {
        this.events = events;
        this.marked = marked;
        this.io = io;
        this.pipeline = pipeline;
        this.connections = connections;
        this.counters = counters;
        this.slotOwner = new long[0];
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
            int frames = 0;
            try {
                frames = doWork(System.nanoTime());
            } catch (RuntimeException e) { // a bug must not stop forwarding for good
                events.count(DataPlaneEvents.DROPPED_INTERNAL_ERROR);
                logError("duty cycle", e, System.nanoTime());
            }
            if (frames == 0) {
                io.awaitFrames(IDLE_WAIT_NS);
            }
        }
    }

    /** One duty cycle at time {@code timeNs}; returns the number of frames handled. */
    int doWork(long timeNs) {
        nowNs = timeNs;
        nowMs = nowNs / 1_000_000L;
        TableSnapshot s = published.get();
        if (s != seen) {
            seen = s;
            install(s);
        }
        int frames = io.poll(this, BATCH);
        if (marked != null && (readMarked || markedBacklog || frames == 0)) {
            int m = marked.poll(this, BATCH);
            frames += m;
            markedBacklog = m > 0;
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
     * Installs {@code s}; if that throws (a bug, e.g. in a scheduler), counts and logs it and goes back to
     * the last good snapshot, so forwarding goes on. The refused snapshot's generation is not reported as
     * applied (a waiting ipvsadm times out); a later snapshot is tried as usual.
     */
    private void install(TableSnapshot s) {
        try {
            claimSlots(s);
            pipeline.install(s, nowNs);
            installed = s;
            readMarked = s.hasFwmarkServices();
            markedBacklog = true;
            installedGeneration = s.generation;
            installedSequence = s.sequence;
        } catch (RuntimeException e) {
            events.count(DataPlaneEvents.SNAPSHOT_INSTALL_FAILED);
            logError("installing snapshot of generation " + s.generation + " (kept the last good one)", e, nowNs);
            if (installed != null) {
                try {
                    pipeline.install(installed, nowNs);
                } catch (RuntimeException again) {
                    logError("re-installing snapshot of generation " + installed.generation, again, nowNs);
                }
            }
        }
    }

    private void logError(String what, RuntimeException e, long timeNs) {
        if (errorLogged && timeNs - lastErrorLogNs < ERROR_LOG_INTERVAL_NS) {
            errorsNotLogged++;
            return;
        }
        StringBuilder sb = new StringBuilder("lvsd: data plane: unexpected exception ").append(what).append(": ")
            .append(e);
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(4, trace.length); i++) {
            sb.append("\n\tat ").append(trace[i]);
        }
        if (errorsNotLogged > 0) {
            sb.append("\n(").append(errorsNotLogged).append(" more since the last report; see the event counters)");
        }
        System.err.println(sb);
        errorLogged = true;
        lastErrorLogNs = timeNs;
        errorsNotLogged = 0;
    }

    /**
     * A counter slot that changed owner was recycled (CounterSlots): its connection counts are 0 by
     * then; clear the previous owner's thresholds and OVERLOAD before the new owner's are set.
     */
    private void claimSlots(TableSnapshot s) {
        ensureSlots(s);
        for (int i = 0; i < s.serviceCount; i++) {
            claim(s.serviceCounterSlot[i], s.serviceId[i]);
        }
        for (int d = 0; d < s.destinationTotal; d++) {
            claim(s.destinationCounterSlot[d], s.destinationId[d]);
        }
    }

    /**
     * Grows the per-slot arrays this thread writes (counters, connection counts, owners) to cover every
     * slot {@code s} names, before anything forwards by it. Allocates only when a snapshot names a slot
     * beyond them (a table that grew): on snapshot install, never per packet.
     */
    private void ensureSlots(TableSnapshot s) {
        int highest = 0;
        for (int i = 0; i < s.serviceCount; i++) {
            highest = Math.max(highest, s.serviceCounterSlot[i]);
        }
        for (int d = 0; d < s.destinationTotal; d++) {
            highest = Math.max(highest, s.destinationCounterSlot[d]);
        }
        int needed = highest + 1;
        counters.ensureSlots(needed);
        connections.destinations().ensureSlots(needed);
        int have = slotOwner.length;
        int length = lvs.snapshot.CounterSlots.grownLength(have, Math.min(needed, counters.slots()), counters.slots());
        if (length != have) {
            slotOwner = java.util.Arrays.copyOf(slotOwner, length);
            java.util.Arrays.fill(slotOwner, have, length, NO_OWNER);
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
        try {
            return pipeline.onMarkedFrame(ifIndex, mark, buffer, offset, length, nowNs, nowMs);
        } catch (RuntimeException e) {
            events.count(DataPlaneEvents.DROPPED_INTERNAL_ERROR);
            logError("handling a marked packet", e, nowNs);
            return false;
        }
    }

    @Override
    public void onFrame(int ifIndex, MutableDirectBuffer buffer, int offset, int length, long offload) {
        try {
            pipeline.onFrame(ifIndex, buffer, offset, length, offload, nowNs, nowMs);
        } catch (RuntimeException e) { // dropped; the next frame is handled as usual
            events.count(DataPlaneEvents.DROPPED_INTERNAL_ERROR);
            logError("handling a frame", e, nowNs);
        }
    }
}
