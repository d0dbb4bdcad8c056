package lvs.cli.realserver;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The director's encapsulation undone by the real server's: for every tunnel type and checksum option,
 * what {@link Decapsulation} hands to the TUN device is the client's packet as the director forwarded
 * it (TTL − 1), with every checksum complete, including a partial one left to REMCSUM.
 */
class DecapsulationTest {
    private static final String VIP = "198.18.0.254";
    private static final String RIP = "198.18.1.12";

    private record Sent(UnsafeBuffer frame, long offload) {
    }

    @ParameterizedTest(name = "type {0} flags {1} partial {2}")
    @CsvSource({"0,0,false", "0,0,true", "1,0,true", "1,1,true", "1,2,true", "1,2,false", "2,0,true", "2,1,true"})
    void roundTripGivesTheForwardedPacketWithCompleteChecksums(int type, int flags, boolean partial) {
        PacketBuilder in = PacketBuilder.frame().eth("02:00:00:00:01:02", "02:00:00:00:01:01")
            .ipv4("198.18.0.10", VIP).tcp(40000, 80).payload("GET / HTTP/1.1\r\n\r\n");
        if (partial) {
            in.partialChecksum();
        }
        UnsafeBuffer frame = in.build();
        long offload = in.offload();
        UnsafeBuffer forwarded = PacketBuilder.frame().ipv4("198.18.0.10", VIP).ttl(63).tcp(40000, 80)
            .payload("GET / HTTP/1.1\r\n\r\n").build(); // complete checksums

        Egress x = new Egress();
        x.ifIndex = 3;
        x.sourceMac = Addresses.mac("02:00:00:00:02:01");
        x.nextHopMac = Addresses.mac("02:00:00:00:02:02");
        x.routeMtu = 1500;
        x.sourceAddress = Addresses.ipv4("198.18.1.11");
        x.realAddress = Addresses.ipv4(RIP);
        x.tunnelType = type;
        x.tunnelPort = 6080;
        x.tunnelFlags = flags;
        List<Sent> sent = new ArrayList<>();
        FlowKey key = new FlowKey();
        new PacketParser().classify(frame, 0, frame.capacity(), key);
        new TunnelForwarder().encapsulate(frame, 0, key, offload, x, (i, b, o, l, off) -> {
            byte[] bytes = new byte[l];
            b.getBytes(o, bytes);
            sent.add(new Sent(new UnsafeBuffer(bytes), off));
            return true;
        });
        assertThat(sent).hasSize(1);
        UnsafeBuffer outer = sent.get(0).frame();

        Decapsulation decap = new Decapsulation(Decapsulation.IPIP | Decapsulation.GUE | Decapsulation.GRE, 6080,
            new int[] {Addresses.ipv4(RIP)}, new int[] {Addresses.ipv4(VIP)});
        assertThat(decap.decapsulate(outer, 0, outer.capacity(), sent.get(0).offload())).isTrue();
        byte[] got = new byte[decap.innerLength()];
        outer.getBytes(decap.innerOffset(), got);
        byte[] want = new byte[forwarded.capacity() - 14];
        forwarded.getBytes(14, want);
        assertThat(got).isEqualTo(want);

        Decapsulation otherVip = new Decapsulation(7, 6080, new int[0], new int[] {Addresses.ipv4("198.18.0.1")});
        assertThat(otherVip.decapsulate(outer, 0, outer.capacity(), Offload.NONE)).as("not an open relay").isFalse();
    }
}
