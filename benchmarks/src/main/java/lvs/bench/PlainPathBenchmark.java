package lvs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fwd.nat.MasqueradeForwarder;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Do persistence and firewall-mark services slow the plain path? The same pre-built frames for a plain
 * NAT service ({@code -A -t 198.18.0.11:80 -s rr}, 10 masqueraded real servers, no {@code -p}, no
 * mark) go through the whole data plane ({@link lvs.dataplane.DataPlane.Invoker#doWork}, 64 frames per
 * poll from a {@link ReplayPacketIo}: copy, parse, connection lookup, service lookup, scheduling, NAT
 * rewrite, next hop, send discarded), with two tables:
 *
 * <ul>
 *   <li>{@code plain}: only that service;</li>
 *   <li>{@code mixed}: the same plus, on the same VIP, {@code -t :443 -p}, {@code -t :8443 -p -M
 *       255.255.255.0}, {@code -u :53 -p} and {@code -t :0 -p} (port 0), and {@code -f 1 -p} and
 *       {@code -f 2}; before measuring, 1024 clients each open a connection to the three persistent
 *       address services and 256 to each fwmark service (marked copies, as NFQUEUE hands them over): about
 *       2,560 templates and 4,600 connections in the table. The persistence timeout is the longest
 *       (31 days), so the templates outlive the run (with {@code syn} traffic the clock runs fast and
 *       their connections expire during the first virtual minutes; with {@code established} they stay).</li>
 * </ul>
 *
 * Traffic ({@code traffic}):
 * <ul>
 *   <li>{@code syn}: 65536 SYNs from 4096 clients (198.19.x.y) in turn, the clock 2 ms on per SYN so
 *       that a flow's previous connection has expired when its SYN comes round again: every frame is a
 *       new connection (service lookup, the service-flag test, scheduler, insert, one expiry per op);</li>
 *   <li>{@code established}: 65536 ACKs with 64 bytes of data on 4096 connections opened before
 *       measuring, the clock 1 µs on per packet: connection lookup (and, in {@code mixed}, the fwmark
 *       service test every packet of a found connection takes), state, counters, NAT.</li>
 * </ul>
 *
 * Both tables read marked packets (an empty queue in {@code plain}), as lvsd always does. A trial fails
 * unless every measured frame was forwarded (and, for {@code syn}, made a new connection). Run with
 * {@code -prof gc}: nothing may allocate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class PlainPathBenchmark {
    private static final int BATCH = 64;
    private static final int FRAMES = 65536;
    private static final int CLIENTS = 4096;
    private static final String VIP = "198.18.0.11";
    private static final String FWMARK_VIP = "198.18.0.12";
    private static final int REAL_SERVERS = 10;
    /** ipvsadm's longest {@code -p}: 31 days. */
    private static final int LONGEST_PERSISTENCE = 2_678_400;
    private static final int PERSISTENT_CLIENTS = 1024;
    private static final int MARKED_CLIENTS = 256;
    private static final UnsafeBuffer[] NONE = new UnsafeBuffer[0];

    @Param({"plain", "mixed"})
    public String table;

    @Param({"syn", "established"})
    public String traffic;

    private ReplayPacketIo io;
    private TestDirector director;
    private long nowNs;
    private long nsPerFrame;
    private long sentBefore;
    private long forwardedBefore;
    private long createdBefore;

    @Setup(Level.Trial)
    public void build() {
        // "persistent" and "fwmark" (not in the JMH list; PlainPathCpuTime takes them) add only one kind.
        boolean persistent = table.equals("mixed") || table.equals("persistent");
        boolean marked = table.equals("mixed") || table.equals("fwmark");
        boolean syn = traffic.equals("syn");
        List<ServiceEntry> entries = new ArrayList<>();
        List<String> neighbours = new ArrayList<>();
        for (int i = 0; i < REAL_SERVERS; i++) {
            neighbours.add(realServer(i));
            neighbours.add(String.format("02:00:00:00:01:%02x", 0x20 + i));
        }
        entries.add(service(1, TableEntries.service(Protocol.TCP, VIP, 80, "rr")));
        int p = ServiceFlags.PERSISTENT;
        long m32 = TableEntries.NETMASK_32;
        if (persistent) {
            entries.add(service(100, TableEntries.service(Protocol.TCP, VIP, 443, "rr", p, LONGEST_PERSISTENCE, m32)));
            entries.add(service(200, TableEntries.service(Protocol.TCP, VIP, 8443, "rr", p, LONGEST_PERSISTENCE,
                0xffffff00L)));
            entries.add(service(300, TableEntries.service(Protocol.UDP, VIP, 53, "rr", p, LONGEST_PERSISTENCE, m32)));
            entries.add(service(400, TableEntries.service(Protocol.TCP, VIP, 0, "rr", p, LONGEST_PERSISTENCE, m32)));
        }
        if (marked) {
            entries.add(service(500, new ServiceSpec(ServiceKey.ofFwmark(AddressFamily.INET, 1), "rr", "", p,
                LONGEST_PERSISTENCE, m32)));
            entries.add(service(600, new ServiceSpec(ServiceKey.ofFwmark(AddressFamily.INET, 2), "rr", "", 0, 0, m32)));
        }

        UnsafeBuffer[] frames = new UnsafeBuffer[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            int cport = 1024 + i / CLIENTS;
            frames[i] = TestDirector.fromClient(client(i % CLIENTS), VIP).tcp(syn ? cport : 1024 + (i % CLIENTS) % 16, 80)
                .flags(syn ? TcpHeader.SYN : TcpHeader.ACK).payloadOfLength(syn ? 0 : 64).build();
        }
        io = new ReplayPacketIo(TestDirector.D0, NONE, BATCH);
        director = TestDirector.ipv4(VIP, FWMARK_VIP).io(io).connectionCapacity(1 << 18).markedPackets()
            .forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder()).entries(entries)
            .start(neighbours.toArray(new String[0]));
        nowNs = director.nowNs();

        if (persistent) {
            fillPersistenceState();
        }
        if (marked) {
            fillFwmarkState();
        }
        if (!syn) {
            openEstablishedFlows();
        }
        io.replay(frames);
        nsPerFrame = syn ? 2_000_000L : 1_000L;
        sentBefore = io.sent;
        forwardedBefore = events(DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
        createdBefore = events(DataPlaneEvents.CONNECTIONS_CREATED);
    }

    /** Templates and connections of the persistent address services, left in the table. */
    private void fillPersistenceState() {
        List<UnsafeBuffer> warm = new ArrayList<>();
        for (int c = 0; c < PERSISTENT_CLIENTS; c++) {
            String client = "198.19.128." + (c % 256);
            String clientNet = "198.19." + (128 + c / 256) + "." + (c % 256);
            warm.add(TestDirector.fromClient(clientNet, VIP).tcp(30000, 443).flags(TcpHeader.SYN).build());
            warm.add(TestDirector.fromClient(clientNet, VIP).tcp(30000, 8443).flags(TcpHeader.SYN).build());
            warm.add(TestDirector.fromClient(clientNet, VIP).udp(30000, 53).payload("q").build());
            warm.add(TestDirector.fromClient(client, VIP).tcp(30001 + c / 256, 22).flags(TcpHeader.SYN).build());
        }
        replayOnce(warm);
        long made = events(DataPlaneEvents.CONNECTIONS_CREATED);
        int templates = director.templates().size();
        // -p: one per client (:443, :53), per /24 (:8443: 4), per client address (port 0: 256).
        if (made != 4L * PERSISTENT_CLIENTS || templates != 2 * PERSISTENT_CLIENTS + 4 + 256) {
            throw new IllegalStateException("persistence state not built: " + templates + " templates, "
                + director.dataPlane().events());
        }
    }

    /** Connections of the fwmark services (marked copies, as NFQUEUE hands them over), and -f 1's templates. */
    private void fillFwmarkState() {
        long before = events(DataPlaneEvents.CONNECTIONS_CREATED);
        int templatesBefore = director.templates().size();
        for (int c = 0; c < MARKED_CLIENTS; c++) {
            director.marked().add(1, TestDirector.fromClient("198.19.200." + c, FWMARK_VIP).tcp(30000, 8080)
                .flags(TcpHeader.SYN).build());
            director.marked().add(2, TestDirector.fromClient("198.19.201." + c, FWMARK_VIP).tcp(30000, 8080)
                .flags(TcpHeader.SYN).build());
        }
        for (int i = 0; i < 2 * MARKED_CLIENTS / BATCH; i++) {
            step();
        }
        long made = events(DataPlaneEvents.CONNECTIONS_CREATED) - before;
        int templates = director.templates().size() - templatesBefore;
        if (made != 2L * MARKED_CLIENTS || templates != MARKED_CLIENTS) {
            throw new IllegalStateException("fwmark state not built: " + templates + " templates, "
                + director.dataPlane().events());
        }
    }

    /** The 4096 connections the ACKs belong to, each opened by its SYN (16 source ports per client). */
    private void openEstablishedFlows() {
        List<UnsafeBuffer> syns = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            syns.add(TestDirector.fromClient(client(c), VIP).tcp(1024 + c % 16, 80).flags(TcpHeader.SYN).build());
        }
        replayOnce(syns);
    }

    /** Hands each frame to the data plane once (their number is a multiple of the batch). */
    private void replayOnce(List<UnsafeBuffer> frames) {
        io.replay(frames.toArray(new UnsafeBuffer[0]));
        for (int i = 0; i < frames.size() / BATCH; i++) {
            step();
        }
        io.replay(NONE);
    }

    private void step() {
        nowNs += 1_000_000L;
        director.invoker().doWork(nowNs);
    }

    private long events(int event) {
        return director.dataPlane().events().get(event);
    }

    private static ServiceEntry service(long id, ServiceSpec spec) {
        RealServerEntry[] rs = new RealServerEntry[REAL_SERVERS];
        for (int i = 0; i < REAL_SERVERS; i++) {
            int port = spec.key().port() == 0 || spec.key().isFwmark() ? 0 : spec.key().port();
            rs[i] = new RealServerEntry(id + 1 + i, TableEntries.masq(realServer(i), port, 1));
        }
        return new ServiceEntry(id, spec, List.of(rs));
    }

    /** Clients 198.19.0.0 to 198.19.15.255. */
    private static String client(int i) {
        return "198.19." + (i >>> 8) + "." + (i & 0xff);
    }

    private static String realServer(int i) {
        return "198.18.1." + (32 + i);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int plainServicePackets() {
        nowNs += BATCH * nsPerFrame;
        return director.invoker().doWork(nowNs);
    }

    /** Every measured frame must have been forwarded (and each SYN a new connection). */
    @TearDown(Level.Trial)
    public void check() {
        long sent = io.sent - sentBefore;
        long forwarded = events(DataPlaneEvents.FORWARDED_TO_REAL_SERVER) - forwardedBefore;
        long created = events(DataPlaneEvents.CONNECTIONS_CREATED) - createdBefore;
        long expectedCreated = traffic.equals("syn") ? forwarded : 0;
        if (forwarded == 0 || forwarded != sent || created != expectedCreated) {
            throw new IllegalStateException("frames not forwarded as planned: forwarded " + forwarded + ", sent "
                + sent + ", created " + created + ": " + director.dataPlane().events());
        }
    }
}
