package lvs.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import lvs.fixtures.packet.PacketBuilder;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PacketParser#classify} per frame kind: the validation every received frame pays before
 * connection lookup. Run with {@code -prof gc} to confirm 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class PacketParserBenchmark {
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();
    private UnsafeBuffer ipv4Tcp;
    private UnsafeBuffer ipv6TcpWithExtension;
    private UnsafeBuffer ipv4BadChecksum;

    @Setup
    public void setup() {
        ipv4Tcp = direct(PacketBuilder.frame().ipv4("198.18.1.2", "198.18.0.100").tcp(40000, 80)
            .payloadOfLength(100).build());
        UnsafeBuffer v6 = PacketBuilder.frame().ipv6("2001:db8::2", "2001:db8::100").ipProtocol(60)
            .payloadOfLength(8 + 20 + 100).build();
        v6.putByte(54, (byte) 6);   // destination options header → TCP
        v6.putByte(55, (byte) 0);   // 8 bytes
        v6.putByte(54 + 8 + 12, (byte) 0x50);
        ipv6TcpWithExtension = direct(v6);
        ipv4BadChecksum = direct(PacketBuilder.frame().ipv4("198.18.1.2", "198.18.0.100").tcp(40000, 80)
            .ipChecksum(0xdead).build());
    }

    private static UnsafeBuffer direct(UnsafeBuffer heap) {
        UnsafeBuffer d = new UnsafeBuffer(ByteBuffer.allocateDirect(heap.capacity()));
        d.putBytes(0, heap, 0, heap.capacity());
        return d;
    }

    @Benchmark
    public int ipv4Tcp() {
        return parser.classify(ipv4Tcp, 0, ipv4Tcp.capacity(), key);
    }

    @Benchmark
    public int ipv6TcpAfterExtensionHeader() {
        return parser.classify(ipv6TcpWithExtension, 0, ipv6TcpWithExtension.capacity(), key);
    }

    @Benchmark
    public int ipv4BadHeaderChecksum() {
        return parser.classify(ipv4BadChecksum, 0, ipv4BadChecksum.capacity(), key);
    }
}
