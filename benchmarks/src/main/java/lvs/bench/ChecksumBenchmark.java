package lvs.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import lvs.fixtures.packet.PacketBuilder;
import lvs.packet.Checksum;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a NAT rewrite of one TCP segment costs for its checksums: the RFC 1624 incremental update
 * (address + port, both directions of the value toggled so the frame stays valid) against a full
 * recomputation over the segment, for small and full-size frames. Frames sit in direct memory, as
 * they do in the AF_PACKET receive area.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class ChecksumBenchmark {
    private static final int VIP = 0xC6120064;
    private static final int RIP = 0xC6120202;

    @Param({"64", "1500"})
    public int frameLength;

    private UnsafeBuffer frame;
    private int segmentLength;
    private boolean flip;

    @Setup
    public void setup() {
        UnsafeBuffer built = PacketBuilder.frame().ipv4("198.18.1.2", "198.18.0.100").tcp(40000, 80)
            .payloadOfLength(frameLength - 54).build();
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(built.capacity()));
        frame.putBytes(0, built, 0, built.capacity());
        segmentLength = built.capacity() - 34;
    }

    /** DNAT VIP:80 → RIP:8080 and back, incrementally: two update32 + two update16 per call. */
    @Benchmark
    public int incrementalAddressAndPort() {
        int from = flip ? RIP : VIP;
        int to = flip ? VIP : RIP;
        int fromPort = flip ? 8080 : 80;
        int toPort = flip ? 80 : 8080;
        flip = !flip;
        int ipCheck = Checksum.update32(frame.getShort(24, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff, from, to);
        int tcpCheck = frame.getShort(34 + TcpHeader.CHECKSUM_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff;
        tcpCheck = Checksum.update16(Checksum.update32(tcpCheck, from, to), fromPort, toPort);
        frame.putInt(30, to, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(24, (short) ipCheck, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(36, (short) toPort, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(34 + TcpHeader.CHECKSUM_OFFSET, (short) tcpCheck, java.nio.ByteOrder.BIG_ENDIAN);
        return tcpCheck;
    }

    /** The same rewrite with the IP header and TCP checksums recomputed from scratch. */
    @Benchmark
    public int fullRecomputation() {
        int to = flip ? VIP : RIP;
        int toPort = flip ? 80 : 8080;
        flip = !flip;
        frame.putInt(30, to, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(36, (short) toPort, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(24, (short) 0);
        frame.putShort(24, (short) Checksum.compute(frame, 14, 20), java.nio.ByteOrder.BIG_ENDIAN);
        frame.putShort(34 + TcpHeader.CHECKSUM_OFFSET, (short) 0);
        int check = Checksum.transport(frame, 34, segmentLength,
            Checksum.pseudoHeaderV4(frame.getInt(26, java.nio.ByteOrder.BIG_ENDIAN), to, 6, segmentLength));
        frame.putShort(34 + TcpHeader.CHECKSUM_OFFSET, (short) check, java.nio.ByteOrder.BIG_ENDIAN);
        return check;
    }
}
