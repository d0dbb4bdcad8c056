package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

import lvs.fixtures.netns.NetnsLab;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.afpacket.NetworkNamespace;
import lvs.io.kernel.GuardTarget;
import lvs.io.kernel.KernelGuard;
import lvs.model.InetAddress;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The guard keeps the director's kernel from answering a VIP it has on lo, while an AF_PACKET tap on the
 * same interface still sees the SYNs (feasibility pitfall 2).
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class KernelGuardNetnsTest {
    private static final int VIP = 0xC6120064; // 198.18.0.100

    @Test
    void guardedVipGetsNoResetButTheTapStillSeesTheSyn() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String cli = lab.namespace("cli");
            String dir = lab.namespace("dir");
            lab.veth(cli, "c0", "02:00:00:00:01:02", dir, "d0", "02:00:00:00:01:01");
            lab.address(cli, "c0", "198.18.1.2/24");
            lab.address(dir, "d0", "198.18.1.1/24");
            lab.address(dir, "lo", "198.18.0.100/32");
            NetnsLab.run("ip", "-n", cli, "route", "add", "198.18.0.100/32", "dev", "c0");

            assertThat(connect(cli)).as("unguarded: the director's kernel resets").isEqualTo("refused");

            KernelGuard guard = new KernelGuard(List.of("ip", "netns", "exec", dir, "nft"), "lvsd");
            AfPacketIo tap;
            try (NetworkNamespace in = NetworkNamespace.enter(dir)) {
                tap = AfPacketIo.open(AfPacketConfig.DEFAULT, "d0");
            }
            try {
                guard.install(List.of("d0"));
                guard.update(List.of(GuardTarget.toService(6, InetAddress.ofIpv4(VIP), 80)));
                assertThat(connect(cli)).as("guarded: no answer").isEqualTo("timeout");

                int[] syns = {0};
                PacketParser parser = new PacketParser();
                FlowKey key = new FlowKey();
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (syns[0] == 0 && System.nanoTime() < deadline) {
                    if (tap.poll((ifIndex, buffer, offset, length, offload) -> {
                        if (parser.classify(buffer, offset, length, key) == ParseVerdict.OK && key.protocol() == 6
                            && key.dstIpv4() == VIP && key.dstPort() == 80 && (key.tcpFlags() & TcpHeader.SYN) != 0) {
                            syns[0]++;
                        }
                    }, 64) == 0) {
                        tap.awaitFrames(10_000_000L);
                    }
                }
                assertThat(syns[0]).as("SYNs seen by the AF_PACKET tap").isPositive();
                String listing = lab.exec(dir, "nft", "list", "table", "netdev", "lvsd");
                assertThat(listing).contains("198.18.0.100 . tcp . 80").containsPattern("@to4 counter packets [1-9]");

                guard.remove();
                assertThat(lab.exec(dir, "nft", "list", "tables")).doesNotContain("lvsd");
                assertThat(connect(cli)).as("guard removed: resets again").isEqualTo("refused");
            } finally {
                tap.close();
                guard.close();
            }
        }
    }

    private static String connect(String ns) throws IOException {
        try (NetworkNamespace in = NetworkNamespace.enter(ns); Socket s = new Socket()) {
            s.connect(new InetSocketAddress("198.18.0.100", 80), 1500);
            return "connected";
        } catch (ConnectException e) {
            return "refused";
        } catch (SocketTimeoutException e) {
            return "timeout";
        }
    }
}
