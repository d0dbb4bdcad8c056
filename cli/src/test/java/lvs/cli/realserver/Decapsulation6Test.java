package lvs.cli.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.Egress;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.fwd.tun.TunnelForwarder;
import lvs.io.Offload;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DecapsulationTest} for an IPv6 service: the director's IPv6-in-IPv6, GUE and GRE over IPv6
 * undone by the real server's decapsulator give back the client's IPv6 packet as the director forwarded
 * it (hop limit − 1, checksums complete); only to our IPv6 address and an IPv6 VIP; RFC 6040 on the
 * traffic class.
 */
class Decapsulation6Test {
    private static final String CLIENT = "2001:2::10";
    private static final String VIP = "2001:2::fe";
    private static final String RIP = "2001:2:0:1::12";

    private record Sent(UnsafeBuffer frame, long offload) {
    }

    private static long[] pair(String address) {
        return Addresses.ipv6(address);
    }

    private static Decapsulation decapsulation(String local, String vip) {
        return new Decapsulation(Decapsulation.IPIP | Decapsulation.GUE | Decapsulation.GRE, 6080, new int[0],
            new int[0], pair(local), pair(vip));
    }

    private static Sent encapsulate(PacketBuilder in, int type, int flags) {
        UnsafeBuffer frame = in.build();
        Egress x = new Egress();
        x.ifIndex = 3;
        x.sourceMac = Addresses.mac("02:00:00:00:02:01");
        x.nextHopMac = Addresses.mac("02:00:00:00:02:02");
        x.routeMtu = 1500;
        x.outerIpv6 = true;
        long[] source = pair("2001:2:0:1::11");
        long[] real = pair(RIP);
        x.sourceAddressHi = source[0];
        x.sourceAddressLo = source[1];
        x.realAddressHi = real[0];
        x.realAddressLo = real[1];
        x.tunnelType = type;
        x.tunnelPort = 6080;
        x.tunnelFlags = flags;
        List<Sent> sent = new ArrayList<>();
        FlowKey key = new FlowKey();
        new PacketParser().classify(frame, 0, frame.capacity(), key);
        new TunnelForwarder().encapsulate(frame, 0, key, in.offload(), x, (i, b, o, l, off) -> {
            byte[] bytes = new byte[l];
            b.getBytes(o, bytes);
            sent.add(new Sent(new UnsafeBuffer(bytes), off));
            return true;
        });
        assertThat(sent).hasSize(1);
        return sent.get(0);
    }

    private static byte[] inner(Decapsulation decap, UnsafeBuffer outer) {
        byte[] got = new byte[decap.innerLength()];
        outer.getBytes(decap.innerOffset(), got);
        return got;
    }

    private static byte[] ipOf(UnsafeBuffer frame) {
        byte[] want = new byte[frame.capacity() - 14];
        frame.getBytes(14, want);
        return want;
    }

    @ParameterizedTest(name = "type {0} flags {1} partial {2}")
    @CsvSource({"0,0,false", "0,0,true", "1,0,true", "1,1,true", "1,2,true", "1,2,false", "2,0,true", "2,1,true"})
    void roundTripGivesTheForwardedPacketWithCompleteChecksums(int type, int flags, boolean partial) {
        PacketBuilder in = PacketBuilder.frame().eth("02:00:00:00:01:02", "02:00:00:00:01:01")
            .ipv6(CLIENT, VIP).tcp(40000, 80).payload("GET / HTTP/1.1\r\n\r\n");
        if (partial) {
            in.partialChecksum();
        }
        Sent sent = encapsulate(in, type, flags);
        UnsafeBuffer outer = sent.frame();
        UnsafeBuffer forwarded = PacketBuilder.frame().ipv6(CLIENT, VIP).ttl(63).tcp(40000, 80)
            .payload("GET / HTTP/1.1\r\n\r\n").build();
        Decapsulation decap = decapsulation(RIP, VIP);
        assertThat(decap.decapsulate(outer, 0, outer.capacity(), sent.offload())).isTrue();
        assertThat(inner(decap, outer)).isEqualTo(ipOf(forwarded));

        assertThat(decapsulation(RIP, "2001:2::1").decapsulate(outer, 0, outer.capacity(), Offload.NONE))
            .as("not an open relay").isFalse();
        assertThat(decapsulation("2001:2:0:1::13", VIP).decapsulate(outer, 0, outer.capacity(), Offload.NONE))
            .as("to another host").isFalse();
    }

    @Test
    void outerCeMarksAnEcnCapableInnerPacketAndDropsANotEctOne() {
        Sent ect = encapsulate(PacketBuilder.frame().ipv6(CLIENT, VIP).tos(0x2A).udp(5000, 53).payload("q"), 0, 0);
        UnsafeBuffer outer = ect.frame();
        outer.putShort(14, (short) (outer.getShort(14, ByteOrder.BIG_ENDIAN) | 0x30), ByteOrder.BIG_ENDIAN); // CE
        Decapsulation decap = decapsulation(RIP, VIP);
        assertThat(decap.decapsulate(outer, 0, outer.capacity(), Offload.NONE)).isTrue();
        assertThat((outer.getShort(decap.innerOffset(), ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF).isEqualTo(0x2B);

        Sent notEct = encapsulate(PacketBuilder.frame().ipv6(CLIENT, VIP).tos(0x28).udp(5000, 53).payload("q"), 0, 0);
        UnsafeBuffer outer2 = notEct.frame();
        outer2.putShort(14, (short) (outer2.getShort(14, ByteOrder.BIG_ENDIAN) | 0x30), ByteOrder.BIG_ENDIAN);
        assertThat(decap.decapsulate(outer2, 0, outer2.capacity(), Offload.NONE)).isFalse();
    }

    @Test
    void aGueDatagramWithABadIpv6UdpChecksumIsRefused() {
        Sent sent = encapsulate(PacketBuilder.frame().ipv6(CLIENT, VIP).tcp(40000, 80).payload("x"), 1, 1);
        UnsafeBuffer outer = sent.frame();
        int check = 14 + 40 + 6;
        outer.putShort(check, (short) (outer.getShort(check, ByteOrder.BIG_ENDIAN) ^ 0x0101), ByteOrder.BIG_ENDIAN);
        assertThat(decapsulation(RIP, VIP).decapsulate(outer, 0, outer.capacity(), Offload.NONE)).isFalse();
    }
}
