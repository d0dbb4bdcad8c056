package lvs.dataplane;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.DestinationCounters;
import lvs.conn.ProtocolTimeouts;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
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
    }

    private static final long CONTROL_PERIOD_MS = 20;
    private static final long ROUTE_REFRESH_MS = 1_000;
    private static final long RATE_PERIOD_MS = 2_000;

    private final CounterSlots slots;
    private final DataPlaneCounters counters;
    private final DestinationCounters destinationCounters;
    private final DataPlaneStats stats;
    private final DataPlaneEvents events = new DataPlaneEvents();
    private final int connectionCapacity;
    private ForwardingAgent agent;
    private Thread agentThread;
    private Thread controlThread;
    private volatile boolean running;
    private Consumer<TableSnapshot> onCompiled = s -> { };

    public DataPlane(int maxObjects, int connectionCapacity) {
        this.slots = new CounterSlots(maxObjects);
        this.counters = new DataPlaneCounters(maxObjects);
        this.destinationCounters = new DestinationCounters(maxObjects);
        this.stats = new DataPlaneStats(slots, counters, destinationCounters);
        this.connectionCapacity = connectionCapacity;
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
     * @param onCompiled        told every new snapshot before the data plane gets it, on the control
     *                          thread: lvsd updates the kernel guard there, so that the kernel stops
     *                          handling a new service's traffic before lvsd starts forwarding it
     */
    public synchronized void start(Rules rules, PacketIo io, Forwarder[] forwarderByMethod,
                                   ServiceScheduler.Factory schedulers, Supplier<List<Nic>> nics,
                                   Consumer<TableSnapshot> onCompiled) {
        this.onCompiled = onCompiled;
        long nowMs = System.nanoTime() / 1_000_000L;
        ConnectionTracker tracker = new ConnectionTracker(new ConnectionTable(connectionCapacity),
            destinationCounters, new ProtocolTimeouts(), nowMs);
        NeighbourTable neighbours = new NeighbourTable();
        List<Nic> attached = nics.get();
        for (NeighbourTable.Entry n : NeighbourTable.readKernelTable()) {
            for (Nic nic : attached) {
                if (nic.name().equals(n.interfaceName())) {
                    neighbours.learn(nic.index(), n.address(), n.mac());
                }
            }
        }
        FrameSink sink = (ifIndex, buffer, offset, length, offload) ->
            io.send(ifIndex, buffer, offset, length, offload)
                || (io.flush() >= 0 && io.send(ifIndex, buffer, offset, length, offload));
        PacketPipeline pipeline = new PacketPipeline(tracker, forwarderByMethod, counters, events, neighbours, sink);
        agent = new ForwardingAgent(io, pipeline, tracker);
        stats.connectionSource(this::connections);
        SnapshotCompiler compiler = new SnapshotCompiler(slots, schedulers);
        running = true;
        agent.publish(compile(compiler, rules, nics));
        agentThread = new Thread(() -> {
            try {
                agent.run();
            } finally {
                io.close();
            }
        }, "lvsd-dataplane");
        agentThread.setDaemon(true);
        agentThread.start();
        controlThread = new Thread(() -> controlLoop(compiler, rules, nics), "lvsd-snapshot");
        controlThread.setDaemon(true);
        controlThread.start();
    }

    private TableSnapshot compile(SnapshotCompiler compiler, Rules rules, Supplier<List<Nic>> nics) {
        long generation = rules.generation();
        List<Nic> attached = nics.get();
        TableSnapshot snapshot =
            compiler.compile(rules.entries(), rules.timeouts(), attached, Ipv4Routes.read(attached), generation);
        try {
            onCompiled.accept(snapshot);
        } catch (RuntimeException e) {
            System.err.println("lvsd: after compiling the table: " + e);
        }
        return snapshot;
    }

    private void controlLoop(SnapshotCompiler compiler, Rules rules, Supplier<List<Nic>> nics) {
        LongSupplier clock = () -> System.nanoTime() / 1_000_000L;
        long compiledGeneration = rules.generation();
        String routes = routeText();
        long lastRouteCheck = clock.getAsLong();
        long lastRates = clock.getAsLong();
        while (running) {
            try {
                Thread.sleep(CONTROL_PERIOD_MS);
                long now = clock.getAsLong();
                boolean recompile = rules.generation() != compiledGeneration;
                if (now - lastRouteCheck >= ROUTE_REFRESH_MS) {
                    lastRouteCheck = now;
                    String current = routeText();
                    if (!current.equals(routes)) {
                        routes = current;
                        recompile = true;
                    }
                }
                if (recompile) {
                    compiledGeneration = rules.generation();
                    agent.publish(compile(compiler, rules, nics));
                }
                if (now - lastRates >= RATE_PERIOD_MS) {
                    lastRates += RATE_PERIOD_MS;
                    stats.sampleRates();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("lvsd: snapshot: " + e);
            }
        }
    }

    private static String routeText() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/route"));
        } catch (java.io.IOException e) {
            return "";
        }
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
}
