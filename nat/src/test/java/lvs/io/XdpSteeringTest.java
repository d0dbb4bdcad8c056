package lvs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.Set;

import lvs.fixtures.io.PacketIoContract;
import lvs.fixtures.netns.NetnsLab;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.afpacket.NetworkInterfaces;
import lvs.io.afpacket.NetworkNamespace;
import lvs.io.kernel.GuardTarget;
import lvs.io.xdp.XdpConfig;
import lvs.io.xdp.XdpPacketIo;
import lvs.model.InetAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Guarded steering on a real veth (root only): AF_PACKET sender in namespace a, {@link XdpPacketIo}
 * in namespace b. Only frames matching a steered target come through AF_XDP; the rest, and
 * CHECKSUM_PARTIAL frames, come through the AF_PACKET tap as before; closing detaches the program.
 */
@EnabledIf("lvs.fixtures.netns.NetnsLab#isAvailable")
class XdpSteeringTest {
    private static final String CLIENT = "198.18.1.2";
    private static final String VIP = "198.18.0.100";
    private static final String RIP = "198.18.2.5";

    private NetnsLab lab;
    private String nsB;
    private AfPacketIo a;
    private XdpPacketIo b;
    private int aIndex;

    @BeforeEach
    void open() throws Exception {
        lab = new NetnsLab();
        String nsA = lab.namespace("a");
        nsB = lab.namespace("b");
        lab.veth(nsA, "a0", "02:00:00:00:0a:01", nsB, "b0", "02:00:00:00:0b:01");
        try (NetworkNamespace in = NetworkNamespace.enter(nsA)) {
            aIndex = NetworkInterfaces.lookup("a0").index();
            a = AfPacketIo.open(AfPacketConfig.DEFAULT, "a0");
        }
        try (NetworkNamespace in = NetworkNamespace.enter(nsB)) {
            b = XdpPacketIo.open(XdpConfig.DEFAULT, AfPacketConfig.DEFAULT, "b0");
        }
    }

    @AfterEach
    void close() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            lab.close();
        }
    }

    private static PacketBuilder ip() {
        return PacketBuilder.frame().eth(PacketIoContract.TEST_MAC, PacketIoContract.NOBODY_MAC);
    }

    /** Sends one frame from a; returns how b received it: "xdp", "stack", or null (not at all). */
    private String path(UnsafeBuffer frame, long offload) {
        long xskBefore = b.xskRxFrames();
        long allBefore = b.counters().rxFrames;
        assertThat(a.send(aIndex, frame, 0, frame.capacity(), offload)).isTrue();
        a.flush();
        int[] seen = {0};
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (seen[0] == 0 && System.nanoTime() < deadline) {
            if (b.poll((ifIndex, buffer, offset, length, o) -> {
                if (length == frame.capacity() && buffer.getInt(offset + length - 4, ByteOrder.BIG_ENDIAN)
                    == frame.getInt(frame.capacity() - 4, ByteOrder.BIG_ENDIAN)
                    && buffer.getShort(offset + 6) == frame.getShort(6)) {
                    seen[0]++;
                }
            }, 64) == 0) {
                b.awaitFrames(10_000_000L);
            }
        }
        if (seen[0] == 0) {
            return null;
        }
        long viaXsk = b.xskRxFrames() - xskBefore;
        long all = b.counters().rxFrames - allBefore;
        return viaXsk > 0 && viaXsk == all ? "xdp" : viaXsk == 0 ? "stack" : "both?";
    }

    private static InetAddress addr(String text) {
        try {
            return InetAddress.of(java.net.InetAddress.getByName(text).getAddress()); // literals: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static UnsafeBuffer udp(String src, int sport, String dst, int dport, int payload) {
        return ip().ipv4(src, dst).udp(sport, dport).payloadOfLength(payload).build();
    }

    @Test
    void onlyGuardedTrafficIsRedirected() {
        GuardTarget service = GuardTarget.toService(17, addr(VIP), 80);
        assertThat(path(udp(CLIENT, 40000, VIP, 80, 30), Offload.NONE)).isEqualTo("stack");
        assertThat(b.steer(Set.of(service))).isZero();
        assertThat(path(udp(CLIENT, 40000, VIP, 80, 31), Offload.NONE)).isEqualTo("xdp");
        assertThat(path(udp(CLIENT, 40000, VIP, 81, 32), Offload.NONE)).as("other port").isEqualTo("stack");
        assertThat(path(ip().ipv4(CLIENT, VIP).tcp(40000, 80).payloadOfLength(33).build(), Offload.NONE))
            .as("other protocol").isEqualTo("stack");
        assertThat(path(udp(CLIENT, 40000, "198.18.0.101", 80, 34), Offload.NONE)).as("other VIP").isEqualTo("stack");
        assertThat(path(ip().ipv4(CLIENT, VIP).udp(40000, 80).fragmentWord(0x2000).payloadOfLength(35).build(),
            Offload.NONE)).as("fragment").isEqualTo("stack");

        GuardTarget anyPort = GuardTarget.toService(17, addr(VIP), 0);
        GuardTarget reply = GuardTarget.fromRealServer(6, addr(RIP), 8080);
        b.steer(Set.of(anyPort, reply));
        assertThat(b.steeredTargets()).containsExactlyInAnyOrder(anyPort, reply);
        assertThat(path(udp(CLIENT, 40000, VIP, 81, 36), Offload.NONE)).as("any port").isEqualTo("xdp");
        assertThat(path(ip().ipv4(RIP, CLIENT).tcp(8080, 40000).payloadOfLength(37).build(), Offload.NONE))
            .as("NAT reply").isEqualTo("xdp");
        assertThat(path(ip().ipv4(RIP, CLIENT).tcp(8081, 40000).payloadOfLength(38).build(), Offload.NONE))
            .as("other source port").isEqualTo("stack");

        b.steer(Set.of());
        assertThat(path(udp(CLIENT, 40000, VIP, 81, 39), Offload.NONE)).as("removed").isEqualTo("stack");
    }

    @Test
    void ipv6IsSteeredToo() {
        String client6 = "2001:2::1";
        String vip6 = "2001:2::100";
        b.steer(Set.of(GuardTarget.toService(6, addr(vip6), 443)));
        assertThat(path(ip().ipv6(client6, vip6).tcp(40000, 443).payloadOfLength(40).build(), Offload.NONE))
            .isEqualTo("xdp");
        assertThat(path(ip().ipv6(client6, vip6).tcp(40000, 444).payloadOfLength(41).build(), Offload.NONE))
            .isEqualTo("stack");
    }

    @Test
    void partialChecksumFramesTakeTheStackWithTheirMetadata() {
        b.steer(Set.of(GuardTarget.toService(6, addr(VIP), 80),
            GuardTarget.toService(17, addr(VIP), 53)));
        PacketBuilder tcp = ip().ipv4(CLIENT, VIP).tcp(40000, 80).payloadOfLength(300).partialChecksum();
        assertThat(path(tcp.build(), tcp.offload())).isEqualTo("stack");
        PacketBuilder udp = ip().ipv4(CLIENT, VIP).udp(40000, 53).payloadOfLength(100).partialChecksum();
        assertThat(path(udp.build(), udp.offload())).isEqualTo("stack");
        assertThat(path(ip().ipv4(CLIENT, VIP).tcp(40000, 80).payloadOfLength(300).build(), Offload.NONE))
            .as("the same frame with its checksum complete").isEqualTo("xdp");
    }

    @Test
    void genericModeWorksWithGroOffAndIsRefusedWithGroOn() throws Exception {
        b.close();
        XdpConfig generic = XdpConfig.DEFAULT.withAttachMode(XdpConfig.AttachMode.GENERIC);
        try (NetworkNamespace in = NetworkNamespace.enter(nsB)) {
            b = XdpPacketIo.open(generic, AfPacketConfig.DEFAULT, "b0");
        }
        assertThat(b.attachModes()).containsExactly("generic");
        b.steer(Set.of(GuardTarget.toService(17, addr(VIP), 80)));
        assertThat(path(udp(CLIENT, 40000, VIP, 80, 42), Offload.NONE)).isEqualTo("xdp");
        assertThat(path(udp(CLIENT, 40000, VIP, 81, 43), Offload.NONE)).isEqualTo("stack");
        b.close();
        lab.exec(nsB, "ethtool", "-K", "b0", "gro", "on");
        try (NetworkNamespace in = NetworkNamespace.enter(nsB)) {
            assertThatThrownBy(() -> XdpPacketIo.open(generic, AfPacketConfig.DEFAULT, "b0"))
                .hasMessageContaining("gro off");
        }
        assertThat(lab.exec(nsB, "ip", "link", "show", "dev", "b0")).doesNotContain("xdp");
    }

    @Test
    void closingDetachesTheProgram() throws Exception {
        assertThat(lab.exec(nsB, "ip", "link", "show", "dev", "b0")).contains("xdp");
        b.close();
        assertThat(lab.exec(nsB, "ip", "link", "show", "dev", "b0")).doesNotContain("xdp");
    }
}
