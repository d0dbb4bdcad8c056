package lvs.dataplane;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.Ipv6Routes;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.io.MarkedPacketSource;
import lvs.io.PacketIo;
import lvs.model.Timeouts;
import lvs.snapshot.CounterSlots;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.SnapshotCompiler;
import lvs.snapshot.TableSnapshot;
import lvs.table.ConnectionView;
import lvs.table.ServiceEntry;
import lvs.table.StatsSource;

/**
 * lvsd's data plane, assembled: counters and the {@link StatsSource} the table reads (available before
 * anything starts, because the table is built with it), then on {@link #start} the connection tracker,
 * the packet pipeline on its own thread, and a small control thread that recompiles the snapshot when
 * the table's generation or the namespace's routes change and samples the rate estimator.
 */
public final class DataPlane implements AutoCloseable {
    /** Source of the rules: the table's entries in dump order, its timeouts and change generation. */
    public interface Rules {
        List<ServiceEntry> entries();

        Timeouts timeouts();

        long generation();

        /**
         * Asks to have {@code wake} run after every change (quick, from the changing thread); true if
         * these rules will, and the snapshot thread then sleeps until a change instead of checking
         * {@link #generation} every {@value DataPlane#CONTROL_PERIOD_MS} ms.
         */
        default boolean onChange(Runnable wake) {
            return false;
        }
    }

    /** How often the generation of rules that cannot tell of changes ({@link Rules#onChange}) is checked. */
    static final long CONTROL_PERIOD_MS = 2;
    private static final long ROUTE_REFRESH_MS = 1_000;
    private static final long RATE_PERIOD_MS = 2_000;
    /** {@code LVSD_DEBUG=1}: print the data plane's event counters every 2 s. */
    private static final boolean DEBUG = "1".equals(System.getenv("LVSD_DEBUG"));

    private final CounterSlots slots;
    /** Control thread only: objects left without a counter slot are reported once per episode. */
    private boolean unslottedReported;
    private final DataPlaneCounters counters;
    private final DestinationCounters destinationCounters;
    private final DataPlaneStats stats;
    private final DataPlaneEvents events = new DataPlaneEvents();
    private final int connectionCapacity;
    private ForwardingAgent agent;
    private Thread agentThread;
    private volatile Thread controlThread;
    /** Set while the snapshot thread needs no wake-up for a change (just woken, or waiting out a compile pause). */
    private final java.util.concurrent.atomic.AtomicBoolean wakeSignalled =
        new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running;
    private SnapshotListener listener = new SnapshotListener() { };
    private MarkedPacketSource marked;

    public DataPlane(int maxObjects, int connectionCapacity) {
        this.slots = new CounterSlots(maxObjects);
        // Allocated as the table grows (ForwardingAgent#ensureSlots): maxObjects is a limit.
        this.counters = DataPlaneCounters.growable(maxObjects);
        this.destinationCounters = DestinationCounters.growable(maxObjects);
        this.stats = new DataPlaneStats(slots, counters, destinationCounters);
        this.connectionCapacity = connectionCapacity;
    }

    /**
     * Also take packets from {@code source} (marked by the kernel for {@code -f} services,
     * docs/fwmark.md); call before {@link #start} or {@link #invoker}. The agent closes nothing of it.
     */
    public void receiveMarkedPackets(MarkedPacketSource source) {
        this.marked = source;
    }

    /** What the table reads counters, rates, connection counts and connections from. */
    public DataPlaneStats stats() {
        return stats;
    }

    public DataPlaneEvents events() {
        return events;
    }

    /**
     * Starts forwarding on {@code io}'s interfaces.
     *
     * @param forwarderByMethod forwarders indexed by {@code ForwardingMethod#kernelValue()}; null = unsupported
     * @param nics              the interfaces {@code io} is attached to (asked again on each compile)
     * @param listener          told about every new snapshot on the control thread, before and after
     *                          the data plane gets it (lvsd keeps the kernel guard in step there)
     */
    public synchronized void start(Rules rules, PacketIo io, Forwarder[] forwarderByMethod,
                                   ServiceScheduler.Factory schedulers, Supplier<List<Nic>> nics,
                                   SnapshotListener listener) {
        this.listener = listener;
        NeighbourTable neighbours = new NeighbourTable();
        List<Nic> attached = nics.get();
        for (NeighbourTable.Entry n : NeighbourTable.readKernelTable()) {
            for (Nic nic : attached) {
                if (nic.name().equals(n.interfaceName())) {
                    neighbours.learn(nic.index(), n.address(), n.mac());
                }
            }
        }
        Ipv6Neighbours neighbours6 = new Ipv6Neighbours();
        for (Ipv6Neighbours.Entry n : Ipv6Neighbours.readKernelTable()) {
            for (Nic nic : attached) {
                if (nic.name().equals(n.interfaceName())) {
                    neighbours6.learn(nic.index(), n.hi(), n.lo(), n.mac());
                }
            }
        }
        agent = assemble(io, forwarderByMethod, neighbours, neighbours6, System.nanoTime() / 1_000_000L);
        stats.connectionSource(this::connections);
        SnapshotCompiler compiler = new SnapshotCompiler(slots, schedulers);
        running = true;
        boolean wakesOnChange = rules.onChange(this::tableChanged);
        publish(compile(compiler, rules, nics));
        agentThread = new Thread(() -> {
            try {
                agent.run();
            } finally {
                io.close();
            }
        }, "lvsd-dataplane");
        agentThread.setDaemon(true);
        agentThread.start();
        Thread control = new Thread(() -> controlLoop(compiler, rules, nics, wakesOnChange), "lvsd-snapshot");
        control.setDaemon(true);
        controlThread = control;
        control.start();
    }

    private ForwardingAgent assemble(PacketIo io, Forwarder[] forwarderByMethod, NeighbourTable neighbours,
                                     Ipv6Neighbours neighbours6, long nowMs) {
        ConnectionTracker tracker = new ConnectionTracker(new ConnectionTable(connectionCapacity),
            destinationCounters, new ProtocolTimeouts(), nowMs);
        // A full transmit batch is flushed and the frame retried once.
        FrameSink sink = (ifIndex, buffer, offset, length, offload) ->
            io.send(ifIndex, buffer, offset, length, offload)
                || (io.flush() >= 0 && io.send(ifIndex, buffer, offset, length, offload));
        PacketPipeline pipeline = new PacketPipeline(tracker, forwarderByMethod, counters, events, neighbours,
            neighbours6, sink);
        return new ForwardingAgent(io, pipeline, tracker, counters, marked, events);
    }

    private void publish(TableSnapshot snapshot) {
        int unslotted = slots.unslottedObjects();
        if (unslotted > 0 && !unslottedReported) {
            unslottedReported = true;
            System.err.println("lvsd: " + unslotted + " services and real servers have no counter slot (more live"
                + " objects than -Dlvsd.maxObjects=" + slots.capacity() + " allows, or deleted ones still"
                + " referenced by connections); they are not forwarded until a slot is free. Restart lvsd"
                + " with a larger -Dlvsd.maxObjects.");
        } else if (unslotted == 0) {
            unslottedReported = false;
        }
        agent.publish(snapshot);
        try {
            listener.afterPublish(snapshot);
        } catch (RuntimeException e) {
            System.err.println("lvsd: after publishing a snapshot: " + e);
        }
    }

    /** Control-thread hooks around handing a snapshot to the data plane. */
    public interface SnapshotListener {
        /** Work that must be done before packets are forwarded by these rules. */
        default void beforePublish(TableSnapshot snapshot) {
        }

        /** Work that may follow (so that it does not delay the rules taking effect). */
        default void afterPublish(TableSnapshot snapshot) {
        }
    }

    private TableSnapshot compile(SnapshotCompiler compiler, Rules rules, Supplier<List<Nic>> nics) {
        List<Nic> attached = nics.get();
        return compile(compiler, rules, attached, Ipv4Routes.read(attached), Ipv6Routes.read(attached));
    }

    private TableSnapshot compile(SnapshotCompiler compiler, Rules rules, List<Nic> attached, Ipv4Routes routes,
                                  Ipv6Routes routes6) {
        stats.recycleSlots(agent.installedSequence());
        long generation = rules.generation();
        TableSnapshot snapshot = compiler.compile(rules.entries(), rules.timeouts(), attached, routes, routes6,
            generation);
        try {
            listener.beforePublish(snapshot);
        } catch (RuntimeException e) {
            System.err.println("lvsd: before publishing a snapshot: " + e);
        }
        return snapshot;
    }

    /**
     * Compiles (with the kernel-guard work around publishing) leave a pause of twice the last one's
     * duration while changes keep coming, so a long {@code -R} is not paid for twice; an isolated change,
     * or one a caller waits for in {@link #awaitApplied}, is compiled at once, and the last change is
     * always compiled.
     */
    private static final long COMPILE_PAUSE_FACTOR = 2;
    private final CompileThrottle throttle = new CompileThrottle(COMPILE_PAUSE_FACTOR);
    /** The highest generation a caller of {@link #awaitApplied} waits for (compiled without pause). */
    private final java.util.concurrent.atomic.AtomicLong awaited = new java.util.concurrent.atomic.AtomicLong(-1);
    /** Snapshots compiled by the control thread (tests, debugging). */
    private volatile long compiles;

    /** How many snapshots the control thread has compiled since {@link #start} (not counting the first). */
    public long compiles() {
        return compiles;
    }

    /** Any thread, under the table's lock: a change to compile; wakes the snapshot thread unless it needs none. */
    private void tableChanged() {
        if (!wakeSignalled.getAndSet(true)) {
            java.util.concurrent.locks.LockSupport.unpark(controlThread);
        }
    }

    /**
     * Sleeps until the next thing the snapshot thread has to do: a change (woken by {@link #tableChanged}
     * or {@link #awaitApplied}), the end of a compile pause, the route check or the rate sample; with rules
     * that cannot tell of changes, at most {@link #CONTROL_PERIOD_MS}.
     */
    private void awaitControlWork(boolean wakesOnChange, boolean pending, long lastRouteCheckMs, long lastRatesMs) {
        if (!wakesOnChange) {
            java.util.concurrent.locks.LockSupport.parkNanos(CONTROL_PERIOD_MS * 1_000_000L);
            return;
        }
        long nowNs = System.nanoTime();
        long nowMs = nowNs / 1_000_000L;
        long untilNs = Math.min(lastRouteCheckMs + ROUTE_REFRESH_MS, lastRatesMs + RATE_PERIOD_MS) * 1_000_000L
            - nowMs * 1_000_000L;
        if (pending) {
            // waiting out the pause: changes meanwhile need no wake-up (awaitApplied still wakes us)
            wakeSignalled.set(true);
            untilNs = Math.min(untilNs, throttle.nextStartNs() - nowNs);
        }
        if (untilNs > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(untilNs);
        }
        wakeSignalled.set(false); // before the generation is read: a change from now on wakes us again
    }

    private void controlLoop(SnapshotCompiler compiler, Rules rules, Supplier<List<Nic>> nics, boolean wakesOnChange) {
        LongSupplier clock = () -> System.nanoTime() / 1_000_000L;
        long compiledGeneration = rules.generation();
        String routes = routeText();
        long lastRouteCheck = clock.getAsLong();
        long lastRates = clock.getAsLong();
        boolean recompile = false; // a route change or freed slots wait here while compiles are paced
        boolean pending = false;   // a change waits for the end of a compile pause
        while (running) {
            try {
                awaitControlWork(wakesOnChange, pending, lastRouteCheck, lastRates);
                if (Thread.interrupted()) {
                    return; // close()
                }
                long now = clock.getAsLong();
                if (now - lastRouteCheck >= ROUTE_REFRESH_MS) {
                    lastRouteCheck = now;
                    String current = routeText();
                    if (!current.equals(routes)) {
                        routes = current;
                        recompile = true;
                    }
                    if (slots.unslottedObjects() > 0 && slots.retiredCount() > 0) {
                        recompile = true; // retired slots may have become free for the objects left out
                    }
                }
                long startNs = System.nanoTime();
                long generation = rules.generation();
                // Someone (lvsd's reply to ipvsadm) waits for a generation not compiled yet: no pause. During
                // a -R nobody waits until its end, so the pacing applies there.
                boolean awaitedNow = awaited.get() > compiledGeneration;
                if ((recompile || generation != compiledGeneration)
                    && (awaitedNow || throttle.mayStart(startNs))) {
                    recompile = false;
                    compiledGeneration = rules.generation();
                    try {
                        publish(compile(compiler, rules, nics));
                    } finally {
                        throttle.finished(startNs, System.nanoTime());
                        compiles++;
                    }
                }
                pending = recompile || rules.generation() != compiledGeneration;
                if (now - lastRates >= RATE_PERIOD_MS) {
                    lastRates += RATE_PERIOD_MS;
                    stats.sampleRates();
                    if (DEBUG) {
                        System.err.println("lvsd: data plane: " + events);
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("lvsd: snapshot: " + e);
            }
        }
    }

    private static String routeText() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/route")) + Ipv6Routes.text();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * Waits until the data plane forwards with the rules of table generation {@code generation} or
     * later (what a caller that must act on a change, like ipvsadm's reply, waits for); false on timeout
     * or when no data plane runs.
     */
    public boolean awaitApplied(long generation, long timeoutMs) {
        ForwardingAgent a = agent;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        if (a != null && running && a.installedGeneration() < generation) {
            awaited.accumulateAndGet(generation, Math::max);
            java.util.concurrent.locks.LockSupport.unpark(controlThread); // compiled now, even during a pause
        }
        while (a != null && running && a.installedGeneration() < generation) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
        }
        return a != null && running;
    }

    private List<ConnectionView> connections() {
        ForwardingAgent a = agent;
        if (a == null || !running) {
            return List.of();
        }
        try {
            return a.listConnections().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (agent != null) {
            agent.stop();
        }
        for (Thread t : new Thread[] {controlThread, agentThread}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The data plane driven by the caller's thread instead of its own (tests, benchmarks): no threads,
     * explicit time, explicit routes and neighbours.
     */
    public Invoker invoker(Rules rules, PacketIo io, Forwarder[] forwarderByMethod, ServiceScheduler.Factory schedulers,
                           List<Nic> nics, Ipv4Routes routes, long nowMs) {
        return invoker(rules, io, forwarderByMethod, schedulers, nics, routes, Ipv6Routes.NONE, nowMs);
    }

    /** {@link #invoker} with IPv6 routes too. */
    public Invoker invoker(Rules rules, PacketIo io, Forwarder[] forwarderByMethod, ServiceScheduler.Factory schedulers,
                           List<Nic> nics, Ipv4Routes routes, Ipv6Routes routes6, long nowMs) {
        NeighbourTable neighbours = new NeighbourTable();
        Ipv6Neighbours neighbours6 = new Ipv6Neighbours();
        agent = assemble(io, forwarderByMethod, neighbours, neighbours6, nowMs);
        running = true;
        stats.connectionSource(this::connections);
        return new Invoker(agent, new SnapshotCompiler(slots, schedulers), rules, nics, routes, routes6, neighbours,
            neighbours6);
    }

    /** See {@link #invoker}. */
    public final class Invoker {
        private final ForwardingAgent agent;
        private final SnapshotCompiler compiler;
        private final Rules rules;
        private final List<Nic> nics;
        private final Ipv4Routes routes;
        private final Ipv6Routes routes6;
        private final NeighbourTable neighbours;
        private final Ipv6Neighbours neighbours6;

        private Invoker(ForwardingAgent agent, SnapshotCompiler compiler, Rules rules, List<Nic> nics,
                        Ipv4Routes routes, Ipv6Routes routes6, NeighbourTable neighbours, Ipv6Neighbours neighbours6) {
            this.agent = agent;
            this.compiler = compiler;
            this.rules = rules;
            this.nics = nics;
            this.routes = routes;
            this.routes6 = routes6;
            this.neighbours = neighbours;
            this.neighbours6 = neighbours6;
        }

        /** Compiles the rules now and hands the snapshot over (installed by the next {@link #doWork}). */
        public TableSnapshot publish() {
            TableSnapshot s = compile(compiler, rules, nics, routes, routes6);
            agent.publish(s);
            return s;
        }

        public void learnNeighbour(int ifIndex, int address, long mac) {
            neighbours.learn(ifIndex, address, mac);
        }

        public void learnNeighbour6(int ifIndex, long hi, long lo, long mac) {
            neighbours6.learn(ifIndex, hi, lo, mac);
        }

        /** One duty cycle; returns the frames handled. */
        public int doWork(long nowNs) {
            return agent.doWork(nowNs);
        }

        /** The {@code -Lc} listing, built on this thread. */
        public List<ConnectionView> connections(long nowNs) {
            CompletableFuture<List<ConnectionView>> f = agent.listConnections();
            agent.doWork(nowNs);
            return f.join();
        }
    }
}
