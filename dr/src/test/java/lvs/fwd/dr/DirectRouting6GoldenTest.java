package lvs.fwd.dr;

import static lvs.fixtures.packet.PacketAssertions.assertFrameEquals;
import static org.assertj.core.api.Assertions.assertThat;

import lvs.dataplane.Forwarder;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.Offload;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Direct routing of IPv6, frame in → frame out: the hop limit is the only byte that changes (IPv6 has
 * no header checksum, and the transport checksum's pseudo-header has no hop limit).
 * Addresses from 2001:db8::/32 (documentation).
 */
class DirectRouting6GoldenTest {
    private static final String CLIENT = "2001:db8:0:1::10";
    private static final String VIP = "2001:db8:0:1::fe";
    private static final String RIP = "2001:db8:0:2::13";
    private static final int CPORT = 40000;

    private final DirectRoutingForwarder dr = new DirectRoutingForwarder();
    private final PacketParser parser = new PacketParser();
    private final FlowKey key = new FlowKey();

    private static PacketBuilder fromClient() {
        return PacketBuilder.frame().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b");
    }

    private int toRealServer(UnsafeBuffer frame, long offload) {
        int verdict = parser.classify(frame, 0, frame.capacity(), key);
        assertThat(ParseVerdict.hasFlowKey(verdict)).as(ParseVerdict.name(verdict)).isTrue();
        long[] rip = Addresses.ipv6(RIP);
        long[] vip = Addresses.ipv6(VIP);
        return dr.toRealServer6(frame, key, rip[0], rip[1], 80, vip[0], vip[1], 80, Offload.needsChecksum(offload));
    }

    @Test
    void synKeepsTheVipAndLosesOneHop() {
        UnsafeBuffer in = fromClient().ipv6(CLIENT, VIP).ttl(64).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        UnsafeBuffer expected = fromClient().ipv6(CLIENT, VIP).ttl(63).tcp(CPORT, 80).flags(TcpHeader.SYN).build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void gsoSuperFrameIsUntouchedAboveIp() {
        PacketBuilder request = fromClient().ipv6(CLIENT, VIP).tcp(CPORT, 80).payloadOfLength(20_000).gso(1428);
        UnsafeBuffer in = request.build();
        UnsafeBuffer expected = fromClient().ipv6(CLIENT, VIP).ttl(63).tcp(CPORT, 80).payloadOfLength(20_000)
            .gso(1428).build();
        assertThat(toRealServer(in, request.offload())).isEqualTo(Forwarder.FORWARD);
        assertFrameEquals(expected, in);
    }

    @Test
    void hopLimitOneIsDroppedAndLeftUntouched() {
        UnsafeBuffer in = fromClient().ipv6(CLIENT, VIP).ttl(1).udp(CPORT, 53).payload("q").build();
        UnsafeBuffer unchanged = fromClient().ipv6(CLIENT, VIP).ttl(1).udp(CPORT, 53).payload("q").build();
        assertThat(toRealServer(in, Offload.NONE)).isEqualTo(Forwarder.DROP_TTL_EXPIRED);
        assertFrameEquals(unchanged, in);
    }
}
