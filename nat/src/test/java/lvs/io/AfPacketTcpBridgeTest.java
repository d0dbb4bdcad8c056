package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;

import lvs.fixtures.netns.NetnsLab;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.afpacket.InterfaceInfo;
import lvs.io.afpacket.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A TCP connection between two lab namespaces, carried through a third by a trivial Java layer-2 bridge
 * on {@link AfPacketIo}, with the veths' DEFAULT offloads (checksum offload and TSO on). The sender's
 * kernel therefore hands over CHECKSUM_PARTIAL frames and GSO super-frames of up to 64 KB; the bridge
 * must pass their virtio_net_hdr on ({@code PACKET_VNET_HDR}) for the receiver to accept them.
 *
 * <pre>
 *  ns cli                 ns dir (Java bridge)              ns srv
 *  c0 198.18.1.2/24 ── d0 ⇄ AfPacketIo ⇄ d1 ── s0 198.18.1.3/24
 * </pre>
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class AfPacketTcpBridgeTest {
    private static final int PORT = 5001;
    private static final long TRANSFER_BYTES = 256L << 20;

    private NetnsLab lab;
    private String cli;
    private String dir;
    private String srv;

    @BeforeEach
    void topology() throws IOException {
        lab = new NetnsLab();
        cli = lab.namespace("cli");
        dir = lab.namespace("dir");
        srv = lab.namespace("srv");
        lab.veth(cli, "c0", "02:00:00:00:01:02", dir, "d0", "02:00:00:00:01:01");
        lab.veth(dir, "d1", "02:00:00:00:02:01", srv, "s0", "02:00:00:00:02:02");
        lab.address(cli, "c0", "198.18.1.2/24");
        lab.address(srv, "s0", "198.18.1.3/24");
    }

    @AfterEach
    void teardown() {
        lab.close();
    }

    @Test
    void tcpWithDefaultOffloadsCrossesTheBridgeIntact() throws Exception {
        String offloads = lab.exec(cli, "ethtool", "-k", "c0");
        assertThat(offloads).contains("tcp-segmentation-offload: on").contains("tx-checksumming: on");

        Bridge bridge = Bridge.open(dir, AfPacketConfig.DEFAULT);
        try {
            long start = System.nanoTime();
            Transfer t = transfer(TRANSFER_BYTES, 30);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(t.received).isEqualTo(TRANSFER_BYTES);
            assertThat(t.receivedCrc).isEqualTo(t.sentCrc);
            System.out.printf("TCP through the Java bridge, default offloads, PACKET_VNET_HDR: %d MiB in %.2f s = %.2f Gbit/s;"
                    + " frames %d, partial-checksum %d, GSO %d (largest %d bytes), tx drops %d%n",
                TRANSFER_BYTES >> 20, seconds, TRANSFER_BYTES * 8 / seconds / 1e9, bridge.frames, bridge.partial,
                bridge.gso, bridge.largest, bridge.io.counters().txDropped);
            assertThat(bridge.partial).as("CHECKSUM_PARTIAL frames seen").isPositive();
            assertThat(bridge.gso).as("GSO super-frames seen").isPositive();
            assertThat(bridge.largest).isGreaterThan(1514);
        } finally {
            bridge.close();
        }
    }

    @Test
    void tcpWithDefaultOffloadsCrossesARingBridgeIntact() throws Exception {
        Bridge bridge = Bridge.open(dir, AfPacketRingContractTest.RING);
        try {
            long start = System.nanoTime();
            Transfer t = transfer(TRANSFER_BYTES, 30);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(t.received).isEqualTo(TRANSFER_BYTES);
            assertThat(t.receivedCrc).isEqualTo(t.sentCrc);
            System.out.printf("TCP through the Java bridge (TPACKET_V3 ring), default offloads: %d MiB in %.2f s ="
                    + " %.2f Gbit/s; frames %d, GSO %d%n", TRANSFER_BYTES >> 20, seconds,
                TRANSFER_BYTES * 8 / seconds / 1e9, bridge.frames, bridge.gso);
            assertThat(bridge.gso).isPositive();
        } finally {
            bridge.close();
        }
    }

    @Test
    void tcpWithOffloadsOffCrossesTheBridgeAsOrdinaryFrames() throws Exception {
        for (String[] end : new String[][] {{cli, "c0"}, {srv, "s0"}}) {
            lab.exec(end[0], "ethtool", "-K", end[1], "tx", "off", "tso", "off", "gso", "off");
        }
        Bridge bridge = Bridge.open(dir, AfPacketConfig.DEFAULT);
        try {
            long bytes = 64L << 20;
            long start = System.nanoTime();
            Transfer t = transfer(bytes, 30);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(t.received).isEqualTo(bytes);
            assertThat(t.receivedCrc).isEqualTo(t.sentCrc);
            System.out.printf("TCP through the Java bridge, offloads off: %d MiB in %.2f s = %.2f Gbit/s; frames %d"
                    + " (%.0f kpps), GSO %d, largest %d bytes%n", bytes >> 20, seconds, bytes * 8 / seconds / 1e9,
                bridge.frames, bridge.frames / seconds / 1e3, bridge.gso, bridge.largest);
            assertThat(bridge.gso).isZero();
            assertThat(bridge.largest).isLessThanOrEqualTo(1514);
        } finally {
            bridge.close();
        }
    }

    @Test
    void withoutTheVnetHeaderTheSameConnectionFails() throws Exception {
        Bridge bridge = Bridge.open(dir, AfPacketConfig.DEFAULT.withVnetHeader(false));
        try {
            Transfer t = transfer(8L << 20, 4);
            assertThat(t.received == 8L << 20 && t.receivedCrc == t.sentCrc)
                .as("transfer must not succeed without PACKET_VNET_HDR (received %d bytes)", t.received).isFalse();
        } finally {
            bridge.close();
        }
    }

    private record Transfer(long received, long sentCrc, long receivedCrc) {
    }

    /** Sends {@code bytes} from cli to srv over TCP, at most {@code seconds}; failures yield a short count. */
    private Transfer transfer(long bytes, int seconds) throws Exception {
        ServerSocket server;
        try (NetworkNamespace in = NetworkNamespace.enter(srv)) {
            server = new ServerSocket();
            server.bind(new InetSocketAddress("198.18.1.3", PORT));
        }
        server.setSoTimeout(seconds * 1000);
        CompletableFuture<long[]> receiving = CompletableFuture.supplyAsync(() -> {
            try (ServerSocket s = server; Socket c = s.accept()) {
                c.setSoTimeout(seconds * 1000);
                CRC32 crc = new CRC32();
                byte[] buf = new byte[256 * 1024];
                long total = 0;
                InputStream in = c.getInputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    crc.update(buf, 0, n);
                    total += n;
                }
                return new long[] {total, crc.getValue()};
            } catch (IOException e) {
                return new long[] {-1, 0};
            }
        });
        CRC32 sentCrc = new CRC32();
        try (Socket c = connectFromCli(seconds)) {
            c.setSoTimeout(seconds * 1000);
            byte[] chunk = new byte[256 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 131 + (i >>> 8));
            }
            OutputStream out = c.getOutputStream();
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            for (long sent = 0; sent < bytes && System.nanoTime() < deadline; sent += chunk.length) {
                out.write(chunk);
                sentCrc.update(chunk);
            }
            c.shutdownOutput();
        } catch (IOException e) {
            server.close();
        }
        long[] r = receiving.get(seconds + 5, TimeUnit.SECONDS);
        return new Transfer(r[0], sentCrc.getValue(), r[1]);
    }

    private Socket connectFromCli(int seconds) throws IOException {
        try (NetworkNamespace in = NetworkNamespace.enter(cli)) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("198.18.1.3", PORT), seconds * 1000);
            return s;
        }
    }

    /** Forwards every frame from d0 to d1 and back, unchanged, offload metadata included. */
    private static final class Bridge implements AutoCloseable {
        final AfPacketIo io;
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;
        volatile long frames;
        volatile long partial;
        volatile long gso;
        volatile int largest;

        private Bridge(AfPacketIo io) {
            this.io = io;
            InterfaceInfo[] ifs = io.interfaceInfo();
            int d0 = ifs[0].index();
            int d1 = ifs[1].index();
            FrameHandler forward = (ifIndex, buffer, offset, length, offload) -> {
                frames++;
                if (Offload.needsChecksum(offload)) {
                    partial++;
                }
                if (Offload.isGso(offload)) {
                    gso++;
                }
                largest = Math.max(largest, length);
                if (!io.send(ifIndex == d0 ? d1 : d0, buffer, offset, length, offload)) {
                    io.flush();
                    io.send(ifIndex == d0 ? d1 : d0, buffer, offset, length, offload);
                }
            };
            long stopAt = System.nanoTime() + 120_000_000_000L; // hard bound even if close() is never reached
            thread = new Thread(() -> {
                while (running.get() && System.nanoTime() < stopAt) {
                    if (io.poll(forward, 64) == 0) {
                        io.awaitFrames(1_000_000L);
                    }
                    io.flush();
                }
            }, "test-bridge");
            thread.setDaemon(true);
            thread.start();
        }

        static Bridge open(String namespace, AfPacketConfig config) throws IOException {
            try (NetworkNamespace in = NetworkNamespace.enter(namespace)) {
                return new Bridge(AfPacketIo.open(config, "d0", "d1"));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
            io.close();
        }
    }
}
