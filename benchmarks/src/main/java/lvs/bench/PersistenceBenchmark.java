package lvs.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.packet.Addresses;
import lvs.fwd.nat.MasqueradeForwarder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.ServiceFlags;
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
 * The data plane's new-connection path, one SYN per op, whole: copy the frame in, parse, connection
 * lookup (a miss), service lookup, scheduling (rr over 10 NAT real servers), connection insert, NAT
 * rewrite, next hop, send (discarded), plus the expiry of an old connection that each new one costs in the
 * steady state. The same frames and service with and without {@code -p 10}:
 *
 * <ul>
 *   <li>4096 clients with 16 connections each in turn: a client comes back every 8.2 s (virtual), within
 *       its template's 10 s, so with {@code -p} every connection finds its client's template (the steady
 *       state of a persistent service: no scheduler call, a template lookup and refresh).</li>
 *   <li>65536 clients with one connection each: a client comes back after 131 s, when its template is
 *       gone, so with {@code -p} every connection misses: scheduler, a new template, and one template
 *       expired per op.</li>
 * </ul>
 *
 * Frames come from a {@link ReplayPacketIo} 64 at a time through {@link DataPlane.Invoker#doWork}, as the
 * agent polls them. The manual clock advances 2 ms per SYN, so a flow's previous connection (SYN_RECV,
 * 60 s) is gone before its frame comes round again (65536 frames = 131 s) and every SYN is scheduled.
 * Run with {@code -prof gc} to see that nothing allocates.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class PersistenceBenchmark {
    private static final int BATCH = 64;
    private static final int FRAMES = 65536;
    private static final long NS_PER_SYN = 2_000_000L;
    private static final String VIP = "198.18.0.11";
    private static final int REAL_SERVERS = 10;

    /** {@code -p} of the service: 0 (none) or 10 s. */
    @Param({"0", "10"})
    public int persistence;

    /** Distinct clients; the 65536 frames are {@code clients x (65536 / clients)} source ports. */
    @Param({"4096", "65536"})
    public int clients;

    private ReplayPacketIo io;
    private TestDirector director;
    private DataPlane dataPlane;
    private DataPlane.Invoker invoker;
    private long nowNs = 1_000_000_000L;

    @Setup(Level.Trial)
    public void build() {
        int flags = persistence == 0 ? 0 : ServiceFlags.PERSISTENT;
        ServiceSpec svc = TableEntries.service(Protocol.TCP, VIP, 80, "rr", flags, persistence, 0xffffffffL);
        RealServerEntry[] rs = new RealServerEntry[REAL_SERVERS];
        String[] neighbours = new String[2 * REAL_SERVERS];
        for (int i = 0; i < REAL_SERVERS; i++) {
            rs[i] = new RealServerEntry(2 + i, TableEntries.masq(dotted(realServer(i)), 80, 1));
            neighbours[2 * i] = dotted(realServer(i));
            neighbours[2 * i + 1] = String.format("02:00:00:00:01:%02x", 0x20 + i);
        }

        // Clients 198.19.x.y, each using its ports in turn.
        UnsafeBuffer[] frames = new UnsafeBuffer[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            int client = 0xc6130000 | (i % clients);
            int port = 1024 + i / clients;
            frames[i] = TestDirector.fromClient(dotted(client), VIP).tcp(port, 80).flags(TcpHeader.SYN).build();
        }
        io = new ReplayPacketIo(TestDirector.D0, frames, BATCH);
        director = TestDirector.ipv4(VIP).io(io).connectionCapacity(1 << 18)
            .forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(List.of(new ServiceEntry(1, svc, List.of(rs)))).start(neighbours);
        invoker = director.invoker();
        dataPlane = director.dataPlane();
        nowNs = director.nowNs();
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    private static int realServer(int i) {
        return Addresses.ipv4("198.18.1.32") + i;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int newConnections() {
        nowNs += BATCH * NS_PER_SYN;
        return invoker.doWork(nowNs);
    }

    /** Every SYN must have been scheduled and forwarded, or the numbers measure something else. */
    @TearDown(Level.Trial)
    public void check() {
        long forwarded = dataPlane.events().get(DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
        long created = dataPlane.events().get(DataPlaneEvents.CONNECTIONS_CREATED);
        if (forwarded != io.sent || created != forwarded || forwarded == 0) {
            throw new IllegalStateException("not every SYN made a new connection: " + dataPlane.events()
                + ", sent " + io.sent);
        }
    }
}
