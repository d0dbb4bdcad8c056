package lvs.fwd.nat;

import static lvs.fixtures.dataplane.TestDirector.CLIENT_MAC;
import static lvs.fixtures.dataplane.TestDirector.D0;
import static lvs.fixtures.dataplane.TestDirector.D0_MAC;
import static lvs.fixtures.dataplane.TestDirector.D1;
import static lvs.fixtures.dataplane.TestDirector.D1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB1_MAC;
import static lvs.fixtures.dataplane.TestDirector.WEB2_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lvs.dataplane.DataPlaneEvents;
import lvs.fixtures.dataplane.TableEntries;
import lvs.fixtures.dataplane.TestDirector;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.HexDump;
import lvs.fixtures.packet.PacketBuilder;
import lvs.io.Offload;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.packet.ArpPacket;
import lvs.packet.ParseVerdict;
import lvs.packet.TcpHeader;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damaged frames of every kind the NAT director handles (client SYNs and data, real servers' replies,
 * UDP both ways, ICMP echo and ICMP errors, ARP, VLAN tags, IP options, GSO and CHECKSUM_PARTIAL frames)
 * with random bytes changed, headers overwritten, cut short or lengthened, fed through the real pipeline.
 * Whatever comes in, the data plane must not throw (an escaped exception is counted as
 * {@code DROPPED_INTERNAL_ERROR}), everything it sends must be a well-formed packet (IPv4 header checksum,
 * lengths, TTL, the ICMP checksum of what it generates or translates, a TCP/UDP checksum no worse than the
 * one that came in), and valid traffic interleaved with the damage must still be forwarded. The random
 * seed is fixed, so a failure names the iteration and the frame that caused it, and repeats.
 */
class MutatedFrameFuzzTest {
    private static final String CLIENT = "198.18.0.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";
    private static final int ITERATIONS = 30_000;

    private TestDirector director;
    private final List<Seed> seeds = new ArrayList<>();

    /** A valid frame, where it enters, and its offload metadata. */
    private record Seed(String name, int ifIndex, byte[] bytes, long offload) {
    }

    @BeforeEach
    void setUp() {
        List<ServiceEntry> rules = List.of(
            new ServiceEntry(1, TableEntries.service(Protocol.TCP, VIP, 80, "wrr"), List.of(
                new RealServerEntry(3, TableEntries.masq(WEB2, 8080, 2)),
                new RealServerEntry(2, TableEntries.masq(WEB1, 8080, 1)))),
            new ServiceEntry(4, TableEntries.service(Protocol.UDP, VIP, 53, "rr"), List.of(
                new RealServerEntry(5, TableEntries.masq(WEB1, 53, 1)))));
        director = TestDirector.ipv4(VIP).forwarder(ForwardingMethod.MASQUERADE, new MasqueradeForwarder())
            .entries(rules).start(CLIENT, CLIENT_MAC, WEB1, WEB1_MAC, WEB2, WEB2_MAC);

        // Connections the replies and ICMP errors below belong to: client port 40000 to web2 (wrr's first
        // pick), UDP 40053 to web1.
        assertThat(director.send(D0, clientTcp(40000, TcpHeader.SYN).build())).hasSize(1);
        assertThat(director.send(D0, clientUdp(40053).build())).hasSize(1);

        seed("client SYN", D0, clientTcp(40001, TcpHeader.SYN));
        seed("client data", D0, clientTcp(40000, TcpHeader.ACK | TcpHeader.PSH).payload("GET / HTTP/1.0\r\n\r\n"));
        seed("client FIN", D0, clientTcp(40000, TcpHeader.FIN | TcpHeader.ACK));
        seed("client RST", D0, clientTcp(40000, TcpHeader.RST));
        seed("client UDP", D0, clientUdp(40053).payload("query"));
        seed("client data, VLAN", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).vlan(7).ipv4(CLIENT, VIP)
            .tcp(40000, 80).flags(TcpHeader.ACK).payload("x"));
        seed("client SYN, IP options", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP)
            .ipOptions(new byte[] {7, 7, 4, 0, 0, 0, 0, 0}).tcp(40002, 80).flags(TcpHeader.SYN));
        seed("client TTL 1", D0, clientTcp(40000, TcpHeader.ACK).ttl(1));
        seed("client fragment", D0, clientUdp(40053).fragmentWord(0x2000).payload("frag"));
        seed("client GSO", D0, clientTcp(40000, TcpHeader.ACK).payloadOfLength(4000).gso(1448));
        seed("client partial checksum", D0, clientUdp(40053).payload("partial").partialChecksum());
        seed("echo request", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP).icmp(8, 0, 0x1234_0001)
            .payload("ping"));
        seed("ARP for the VIP", D0, PacketBuilder.frame().eth(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
            .arp(ArpPacket.OP_REQUEST, lvs.fixtures.packet.Addresses.mac(CLIENT_MAC), CLIENT, 0L, VIP));

        seed("web2 SYN-ACK", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ipv4(WEB2, CLIENT).tcp(8080, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK));
        seed("web2 data", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ipv4(WEB2, CLIENT).tcp(8080, 40000)
            .flags(TcpHeader.ACK).payload("HTTP/1.0 200 OK\r\n\r\n"));
        seed("web1 UDP reply", D1, PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ipv4(WEB1, CLIENT).udp(53, 40053)
            .payload("answer"));
        seed("web1 stray reply", D1, PacketBuilder.frame().eth(WEB1_MAC, D1_MAC).ipv4(WEB1, CLIENT).tcp(8080, 45000)
            .flags(TcpHeader.ACK));
        // ICMP errors about a connection: from the client about a reply it got from the VIP, and from web2
        // about a packet the director sent it (fragmentation needed, with the next-hop MTU).
        UnsafeBuffer replyAsSent = PacketBuilder.frame().eth(D0_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).tcp(80, 40000)
            .flags(TcpHeader.ACK).payloadOfLength(1400).build();
        seed("client ICMP unreachable", D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP)
            .icmp(3, 3, 0).payloadFromIp(replyAsSent, 28));
        UnsafeBuffer requestAsSent = PacketBuilder.frame().eth(D1_MAC, WEB2_MAC).ipv4(CLIENT, WEB2).tcp(40000, 8080)
            .flags(TcpHeader.ACK).payloadOfLength(1400).build();
        seed("web2 ICMP frag needed", D1, PacketBuilder.frame().eth(WEB2_MAC, D1_MAC).ipv4(WEB2, CLIENT)
            .icmp(3, 4, 1200).payloadFromIp(requestAsSent, 28));
    }

    private void seed(String name, int ifIndex, PacketBuilder frame) {
        seeds.add(new Seed(name, ifIndex, frame.bytes(), frame.offload()));
    }

    private static PacketBuilder clientTcp(int port, int flags) {
        return TestDirector.fromClient(CLIENT, VIP).tcp(port, 80).flags(flags);
    }

    private static PacketBuilder clientUdp(int port) {
        return TestDirector.fromClient(CLIENT, VIP).udp(port, 53);
    }

    @Test
    void theUndamagedSeedsAreForwardedAndPassTheChecks() {
        for (Seed s : seeds) {
            List<InMemoryPacketIo.Frame> out = director.send(s.ifIndex, new UnsafeBuffer(s.bytes.clone()), s.offload);
            for (InMemoryPacketIo.Frame f : out) {
                assertWellFormed(f, s.bytes, s.offload, s.name);
            }
        }
        assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_INTERNAL_ERROR)).isZero();
        // the seeds that must produce something do (the checks above would be vacuous otherwise)
        assertThat(director.dataPlane().events().get(DataPlaneEvents.FORWARDED_TO_REAL_SERVER)).isGreaterThan(5);
        assertThat(director.dataPlane().events().get(DataPlaneEvents.FORWARDED_TO_CLIENT)).isGreaterThan(2);
        assertThat(director.dataPlane().events().get(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT)).isEqualTo(1);
    }

    @Test
    void damagedFramesNeverThrowNeverComeOutMalformedAndNeverStopTheForwarding() {
        SplittableRandom random = new SplittableRandom(0x4c56_5344L);
        int sent = 0;
        int livenessPort = 20_000;
        for (int i = 0; i < ITERATIONS; i++) {
            Seed s = seeds.get(random.nextInt(seeds.size()));
            byte[] frame = mutate(s.bytes, random);
            long offload = random.nextInt(8) == 0 ? mutateOffload(s.offload, frame.length, random) : s.offload;
            int ifIndex = random.nextInt(10) == 0 ? (s.ifIndex == D0 ? D1 : D0) : s.ifIndex;
            String what = "iteration " + i + ": " + s.name + " damaged, on " + (ifIndex == D0 ? "d0" : "d1")
                + ", offload " + Long.toHexString(offload) + "\n" + HexDump.dump(new UnsafeBuffer(frame), 0, frame.length);
            List<InMemoryPacketIo.Frame> out = director.send(ifIndex, new UnsafeBuffer(frame), offload);
            sent += out.size();
            assertThat(director.dataPlane().events().get(DataPlaneEvents.DROPPED_INTERNAL_ERROR))
                .as("an exception escaped the pipeline at %s", what).isZero();
            for (InMemoryPacketIo.Frame f : out) {
                assertWellFormed(f, frame, offload, what);
            }
            if (i % 500 == 499) {
                // liveness: a fresh connection still goes through, to a real server, on port 8080
                List<InMemoryPacketIo.Frame> fresh = director.send(D0, clientTcp(++livenessPort, TcpHeader.SYN).build());
                assertThat(fresh).as("a valid SYN after %d damaged frames", i + 1).hasSize(1);
                assertThat(fresh.get(0).ifIndex()).isEqualTo(D1);
                director.advance(200); // the sweeper runs; the table does not fill up
            }
        }
        // the damage was not all dropped at the door: much of it was forwarded (and checked above)
        assertThat(sent).isGreaterThan(ITERATIONS / 10);
        // and what was dropped as malformed was counted, under many different reasons
        int reasons = 0;
        for (int v = 0; v < ParseVerdict.COUNT; v++) {
            reasons += director.dataPlane().events().malformed(v) > 0 ? 1 : 0;
        }
        assertThat(reasons).as(director.dataPlane().events().toString()).isGreaterThanOrEqualTo(8);
    }

    // ---- damage ----

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> { // a bit in the headers
                    if (b.length > 0) {
                        int at = random.nextInt(Math.min(b.length, 80));
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> { // a byte anywhere
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // cut short
                case 4 -> { // lengthened with junk
                    int extra = 1 + random.nextInt(64);
                    byte[] longer = java.util.Arrays.copyOf(b, b.length + extra);
                    for (int k = b.length; k < longer.length; k++) {
                        longer[k] = (byte) random.nextInt(256);
                    }
                    b = longer;
                }
                case 5 -> put16(b, ipOffset(b) + 2, random.nextInt(65536)); // IPv4 total length
                case 6 -> { // IHL (and version)
                    int at = ipOffset(b);
                    if (at < b.length) {
                        b[at] = (byte) random.nextInt(256);
                    }
                }
                case 7 -> put16(b, ipOffset(b) + 6, random.nextInt(65536)); // flags and fragment offset
                default -> { // a 16-bit word of the transport header or the quoted packet of an ICMP error
                    int at = ipOffset(b) + 20 + 2 * random.nextInt(24);
                    put16(b, at, random.nextInt(65536));
                }
            }
        }
        return b;
    }

    private static long mutateOffload(long offload, int frameLength, SplittableRandom random) {
        int flags = random.nextInt(4);
        int[] gsoTypes = {Offload.GSO_NONE, Offload.GSO_TCPV4, Offload.GSO_UDP, Offload.GSO_TCPV6, Offload.GSO_UDP_L4};
        int gsoType = gsoTypes[random.nextInt(gsoTypes.length)];
        int gsoSize = random.nextInt(4) == 0 ? 0 : random.nextInt(2000);
        int start = random.nextInt(Math.max(1, frameLength + 8));
        int off = random.nextInt(24);
        return Offload.of(flags, gsoType, gsoSize, Math.min(start, 0xffff), off);
    }

    private static int ipOffset(byte[] b) {
        return b.length >= 18 && (b[12] & 0xff) == 0x81 && b[13] == 0 ? 18 : 14;
    }

    private static void put16(byte[] b, int at, int value) {
        if (at >= 0 && at + 1 < b.length) {
            b[at] = (byte) (value >>> 8);
            b[at + 1] = (byte) value;
        }
    }

    // ---- what comes out must be a packet ----

    private static void assertWellFormed(InMemoryPacketIo.Frame f, byte[] in, long inOffload, String what) {
        byte[] b = f.bytes();
        assertThat(b.length).as("frame length out, %s", what).isBetween(14, 65_535 + 18);
        int l3 = ipOffset(b);
        int type = ((b[l3 - 2] & 0xff) << 8) | (b[l3 - 1] & 0xff);
        if (type == 0x0806) {
            assertThat(b.length).as("ARP out, %s", what).isGreaterThanOrEqualTo(l3 + 28);
            return;
        }
        assertThat(type).as("EtherType out, %s", what).isEqualTo(0x0800);
        assertThat(b.length).as("IPv4 header out, %s", what).isGreaterThanOrEqualTo(l3 + 20);
        assertThat((b[l3] & 0xff) >>> 4).as("IP version out, %s", what).isEqualTo(4);
        int ihl = (b[l3] & 0x0f) * 4;
        assertThat(ihl).as("IHL out, %s", what).isBetween(20, 60);
        int total = get16(b, l3 + 2);
        assertThat(total).as("IPv4 total length out, %s", what).isBetween(ihl, b.length - l3);
        assertThat(onesComplementSum(b, l3, ihl, 0)).as("IPv4 header checksum out, %s", what).isEqualTo(0xffff);
        assertThat(b[l3 + 8] & 0xff).as("TTL out, %s", what).isPositive();
        if ((get16(b, l3 + 6) & 0x3fff) != 0) {
            return; // a fragment: its transport header is not all here
        }
        int protocol = b[l3 + 9] & 0xff;
        int l4 = l3 + ihl;
        int l4Length = total - ihl;
        long pseudo = pseudoHeader(b, l3, protocol, l4Length);
        if (protocol == 1) {
            // ICMP the director generated or translated: the kernel recomputes or updates it, never leaves it broken
            assertThat(onesComplementSum(b, l4, l4Length, 0)).as("ICMP checksum out, %s", what).isEqualTo(0xffff);
        } else if ((protocol == 6 || protocol == 17) && f.offload() == Offload.NONE && inOffload == Offload.NONE
            && l4Length >= (protocol == 6 ? 20 : 8)) {
            boolean outValid = transportValid(b, l4, l4Length, protocol, pseudo);
            int inL3 = ipOffset(in);
            if (in.length >= inL3 + 20 && (in[inL3] & 0xff) >>> 4 == 4) {
                int inIhl = (in[inL3] & 0x0f) * 4;
                int inTotal = get16(in, inL3 + 2);
                if (inIhl >= 20 && inTotal - inIhl == l4Length && in.length >= inL3 + inTotal) {
                    boolean inValid = transportValid(in, inL3 + inIhl, l4Length, protocol,
                        pseudoHeader(in, inL3, protocol, l4Length));
                    // NAT updates the checksum incrementally, as the kernel does: a good one stays good
                    if (inValid) {
                        assertThat(outValid).as("TCP/UDP checksum out of a frame that came in valid, %s", what).isTrue();
                    }
                }
            }
        }
    }

    private static boolean transportValid(byte[] b, int l4, int length, int protocol, long pseudo) {
        if (protocol == 17 && get16(b, l4 + 6) == 0) {
            return true; // UDP without a checksum
        }
        return onesComplementSum(b, l4, length, pseudo) == 0xffff;
    }

    private static long pseudoHeader(byte[] b, int l3, int protocol, int l4Length) {
        return get16(b, l3 + 12) + get16(b, l3 + 14) + get16(b, l3 + 16) + get16(b, l3 + 18) + protocol + l4Length;
    }

    /** The folded one's-complement sum of {@code length} bytes from {@code offset}, plus {@code initial}. */
    private static int onesComplementSum(byte[] b, int offset, int length, long initial) {
        long sum = initial;
        int end = Math.min(b.length, offset + length);
        for (int i = offset; i < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < end ? b[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static int get16(byte[] b, int at) {
        return at + 1 < b.length ? ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff) : 0;
    }
}
