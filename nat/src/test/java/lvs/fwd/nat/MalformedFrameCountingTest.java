package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TestDirector.CLIENT_MAC;
import static lvs.fixtures.dataplane.TestDirector.D0;
import static lvs.fixtures.dataplane.TestDirector.D0_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB2_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed frames sent to the director are dropped and counted by reason (the truncated
 * headers, bad IHL, bad lengths, fragments; bad checksums and transport headers too), each under its
 * own {@link ParseVerdict}; the total is {@code dropped_malformed}. A malformed broadcast is not the
 * director's to count.
 */
class MalformedFrameCountingTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";

    private TestDirector director;

    @BeforeEach
    void setUp() {
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(List.of(new ServiceEntry(1, TableEntries.service(Protocol.TCP, VIP, 80, "rr"), List.of(
                new RealServerEntry(2, TableEntries.masq("198.18.1.12", 80, 1)))),
                new ServiceEntry(3, TableEntries.service(Protocol.UDP, VIP, 53, "rr"), List.of(
                    new RealServerEntry(4, TableEntries.masq("198.18.1.12", 53, 1))))))
            .start(CLIENT, CLIENT_MAC, "198.18.1.12", WEB1_MAC, "198.18.1.13", WEB2_MAC);
    }

    private static byte[] syn() {
        return TestDirector.fromClient(CLIENT, VIP).tcp(40000, 80).flags(TcpHeader.SYN).payload("abcd").bytes();
    }

    /** Sends {@code frame} to the VIP's NIC and checks that nothing went out and the reason was counted. */
    private void assertDroppedAs(int verdict, byte[] frame) {
        long before = director.dataPlane().events().malformed(verdict);
        long total = director.dataPlane().events().get(DataPlaneEvents.DROPPED_MALFORMED);
        assertThat(director.send(D0, new UnsafeBuffer(frame))).as(ParseVerdict.name(verdict)).isEmpty();
        assertThat(director.dataPlane().events().malformed(verdict)).as(ParseVerdict.name(verdict)).isEqualTo(before + 1);
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_MALFORMED)).isEqualTo(total + 1);
    }

    private static byte[] edit(byte[] frame, UnaryOperator<byte[]> change) {
        return change.apply(frame.clone());
    }

    private static byte[] withIpChecksumFixed(byte[] b) {
        b[24] = 0;
        b[25] = 0;
        long sum = 0;
        int ihl = (b[14] & 0x0f) * 4;
        for (int i = 14; i < 14 + ihl; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        b[24] = (byte) (~sum >>> 8);
        b[25] = (byte) ~sum;
        return b;
    }

    @Test
    void eachKindOfDamageIsDroppedAndCountedUnderItsReason() {
        byte[] syn = syn();
        // a control: the undamaged SYN is forwarded
        assertThat(director.send(D0, new UnsafeBuffer(syn.clone()))).hasSize(1);

        assertDroppedAs(ParseVerdict.TRUNCATED_ETHERNET, java.util.Arrays.copyOf(syn, 12));
        assertDroppedAs(ParseVerdict.TRUNCATED_IP, java.util.Arrays.copyOf(syn, 14 + 19));
        assertDroppedAs(ParseVerdict.BAD_IP_VERSION, edit(syn, b -> {
            b[14] = 0x65;
            return b;
        }));
        assertDroppedAs(ParseVerdict.BAD_IHL, edit(syn, b -> {
            b[14] = 0x44;
            return withIpChecksumFixed(b);
        }));
        assertDroppedAs(ParseVerdict.BAD_IP_LENGTH, edit(syn, b -> {
            b[16] = 0x05; // total length 1280+, past the frame
            return withIpChecksumFixed(b);
        }));
        assertDroppedAs(ParseVerdict.BAD_IP_CHECKSUM, edit(syn, b -> {
            b[25] ^= 1;
            return b;
        }));
        assertDroppedAs(ParseVerdict.FRAGMENT, edit(syn, b -> {
            b[20] = 0x20; // more fragments
            return withIpChecksumFixed(b);
        }));
        assertDroppedAs(ParseVerdict.MARTIAN_SOURCE, edit(syn, b -> {
            b[26] = 127;
            return withIpChecksumFixed(b);
        }));
        assertDroppedAs(ParseVerdict.BAD_TCP_HEADER, edit(syn, b -> {
            b[34 + 12] = 0x40; // data offset 4 words
            return b;
        }));
        byte[] udp = TestDirector.fromClient(CLIENT, VIP).udp(40053, 53).payload("query").bytes();
        assertDroppedAs(ParseVerdict.BAD_UDP_HEADER, edit(udp, b -> {
            b[34 + 5] = 100; // UDP length past the IP length
            return b;
        }));
        assertDroppedAs(ParseVerdict.BAD_ICMP_HEADER, edit(TestDirector.fromClient(CLIENT, VIP).icmp(8, 0, 0).bytes(), b -> {
            b[17] = 24; // IP length: a 4-byte ICMP header
            return withIpChecksumFixed(java.util.Arrays.copyOf(b, 14 + 24));
        }));

        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_MALFORMED)).isEqualTo(11);
        assertThat(director.dataPlane().events().toString())
            .contains("dropped_malformed=11 (truncated_ethernet=1 truncated_ip=1 bad_ip_version=1 bad_ihl=1");
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_INTERNAL_ERROR)).isZero();
    }

    @Test
    void aMalformedBroadcastIsNotTheDirectorsToCount() {
        byte[] broadcast = PacketBuilder.frame().eth(CLIENT_MAC, "ff:ff:ff:ff:ff:ff").ipv4(CLIENT, VIP).tcp(40000, 80)
            .flags(TcpHeader.SYN).bytes();
        broadcast[25] ^= 1; // bad IPv4 header checksum
        assertThat(director.send(D0, new UnsafeBuffer(broadcast))).isEmpty();
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_MALFORMED)).isZero();
        // sent to the director's MAC, the same damage is counted
        byte[] unicast = broadcast.clone();
        byte[] mac = PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP).tcp(1, 2).bytes();
        System.arraycopy(mac, 0, unicast, 0, 6);
        assertThat(director.send(D0, new UnsafeBuffer(unicast))).isEmpty();
        assertThat(director.dataPlane().events().malformed(ParseVerdict.BAD_IP_CHECKSUM)).isEqualTo(1);
    }

    /**
     * An ICMP error about a connection is translated only when its checksum verifies, as the kernel's
     * ip_vs_in_icmp checks it first; NAT would otherwise write a valid checksum over the damage.
     */
    @Test
    void anIcmpErrorWithABadChecksumIsNotTranslated() {
        assertThat(director.send(D0, new UnsafeBuffer(syn()))).hasSize(1); // the connection, to web1
        byte[] error = TestDirector.fromClient(CLIENT, VIP).icmp(3, 3, 0).payloadFromIp(
            PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).tcp(80, 40000).flags(TcpHeader.ACK).build(),
            28).bytes();
        byte[] damaged = error.clone();
        damaged[36] ^= (byte) 0x80; // the ICMP checksum's high byte
        assertThat(director.send(D0, new UnsafeBuffer(damaged))).isEmpty();
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_BAD_ICMP_CHECKSUM)).isEqualTo(1);
        // intact, it goes to web1, translated
        List<lvs.fixtures.io.InMemoryPacketIo.Frame> out = director.send(D0, new UnsafeBuffer(error));
        assertThat(out).hasSize(1);
        assertThat(TestDirector.ipDestination(out.get(0))).isEqualTo("198.18.1.12");
        // a device that vouched for the checksum (CHECKSUM_UNNECESSARY) is believed, as by the kernel
        assertThat(director.send(D0, new UnsafeBuffer(damaged.clone()),
            lvs.io.Offload.of(lvs.io.Offload.FLAG_DATA_VALID, 0, 0, 0, 0))).hasSize(1);
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_BAD_ICMP_CHECKSUM)).isEqualTo(1);
    }
}
