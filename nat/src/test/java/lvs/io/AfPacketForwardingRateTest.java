package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import lvs.fixtures.netns.NetnsLab;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.afpacket.InterfaceInfo;
import lvs.io.afpacket.NetworkNamespace;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check: 60-byte UDP frames blasted from one lab namespace through an AF_PACKET
 * bridge (recvmmsg/sendmmsg) in a second to a sink in a third, for two seconds. Prints offered,
 * forwarded and received packets per second. Run with {@code -Dlvs.io.measure=true}; as root.
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
@EnabledIfSystemProperty(named = "lvs.io.measure", matches = "true")
class AfPacketForwardingRateTest {
    private static final long RUN_NS = 2_000_000_000L;

    @Test
    void smallUdpFramesPerSecond() throws Exception {
        measure("recvmmsg", AfPacketConfig.DEFAULT);
    }

    @Test
    void smallUdpFramesPerSecondWithARing() throws Exception {
        measure("TPACKET_V3 ring", AfPacketRingContractTest.RING);
    }

    private void measure(String label, AfPacketConfig bridgeConfig) throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String gen = lab.namespace("gen");
            String dir = lab.namespace("dir");
            String sink = lab.namespace("sink");
            lab.veth(gen, "g0", "02:00:00:00:01:02", dir, "d0", "02:00:00:00:01:01");
            lab.veth(dir, "d1", "02:00:00:00:02:01", sink, "s0", "02:00:00:00:02:02");
            AfPacketIo generator;
            AfPacketIo bridge;
            try (NetworkNamespace in = NetworkNamespace.enter(gen)) {
                generator = AfPacketIo.open(AfPacketConfig.DEFAULT, "g0");
            }
            try (NetworkNamespace in = NetworkNamespace.enter(dir)) {
                bridge = AfPacketIo.open(bridgeConfig, "d0", "d1");
            }
            InterfaceInfo[] ifs = bridge.interfaceInfo();
            int d1 = ifs[1].index();
            long sinkBefore = rxPackets(lab, sink);
            AtomicBoolean running = new AtomicBoolean(true);
            FrameHandler forward = (ifIndex, buffer, offset, length, offload) -> {
                if (!bridge.send(d1, buffer, offset, length, offload)) {
                    bridge.flush();
                    bridge.send(d1, buffer, offset, length, offload);
                }
            };
            Thread forwarder = new Thread(() -> {
                long stop = System.nanoTime() + RUN_NS + 1_000_000_000L;
                while (running.get() && System.nanoTime() < stop) {
                    if (bridge.poll(forward, 64) == 0) {
                        bridge.awaitFrames(1_000_000L);
                    }
                    bridge.flush();
                }
            }, "rate-bridge");
            forwarder.start();
            UnsafeBuffer frame = PacketBuilder.frame().eth("02:00:00:00:01:02", "02:00:00:00:02:02")
                .ipv4("198.18.1.2", "198.18.2.2").udp(40000, 9000).payloadOfLength(18).build();
            int g0 = generator.interfaceInfo()[0].index();
            long start = System.nanoTime();
            while (System.nanoTime() - start < RUN_NS) {
                for (int i = 0; i < 64; i++) {
                    generator.send(g0, frame, 0, frame.capacity(), Offload.NONE);
                }
                generator.flush();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(200);
            running.set(false);
            forwarder.join(5000);
            long received = rxPackets(lab, sink) - sinkBefore;
            System.out.printf("AF_PACKET bridge (" + label + "), 60-byte UDP: offered %.0f kpps, forwarded %.0f kpps, received %.0f kpps;"
                    + " bridge rx drops %d, tx drops %d%n",
                generator.counters().txFrames / seconds / 1e3, bridge.counters().txFrames / seconds / 1e3,
                received / seconds / 1e3, bridge.counters().rxDropped, bridge.counters().txDropped);
            generator.close();
            bridge.close();
            assertThat(received).isPositive();
        }
    }

    private static long rxPackets(NetnsLab lab, String ns) throws Exception {
        return Long.parseLong(lab.exec(ns, "cat", "/sys/class/net/s0/statistics/rx_packets").strip());
    }
}
