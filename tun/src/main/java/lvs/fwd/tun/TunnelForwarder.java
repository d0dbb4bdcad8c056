package lvs.fwd.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongSupplier;
import lvs.dataplane.Egress;
import lvs.dataplane.Encapsulator;
import lvs.dataplane.FrameSink;
import lvs.dataplane.IcmpRateLimit;
import lvs.dataplane.Forwarder;
import lvs.io.Offload;
import lvs.io.SoftwareOffload;
import lvs.packet.FlowKey;
import lvs.packet.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code -i}: the kernel's {@code ip_vs_tunnel_xmit} for IPv4 in IPv4 (§5.1, §5.4 of the kernel notes).
 * Per packet: TTL − 1 (≤ 1 dropped); tunnel MTU = route MTU − outer headers, below 68 dropped; a DF
 * packet that is longer (and is neither GSO nor an ICMP error) gets ICMP "fragmentation needed" back;
 * a GSO super-frame is cut in Java into segments that fit the tunnel (its {@code gso_size}, lowered to
 * the tunnel MTU when needed, since an encapsulated GSO frame cannot be handed to the kernel); each
 * packet is copied behind the outer headers and sent. The inner packet is otherwise untouched. A
 * CHECKSUM_PARTIAL inner packet stays partial for the kernel to finish (IPIP, GUE and GRE without
 * checksums), is finished first when an outer checksum covers it, and is left to the real server with
 * GUE remote checksum offload. Data-plane thread only; no allocation per packet.
 */
public final class TunnelForwarder implements Forwarder, Encapsulator {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
    private static final int MIN_TUNNEL_MTU = 68;
    private static final int BUFFER = 65_536 + 256;
    private static final int TCP = 6;

    private final MutableDirectBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER));
    private final MutableDirectBuffer segments = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER));
    private final GueSourcePort gueSourcePort;
    private final OuterIpId ids;
    private final IcmpRateLimit icmpLimit = new IcmpRateLimit(1000, 50);
    private final LongSupplier nanoClock;
    private final SoftwareOffload.SegmentSink segmentSink = this::sendSegment;

    // The packet being handled (fields, not arguments, so that the segment sink allocates nothing).
    private Egress egress;
    private FrameSink sink;
    private int flowHash;
    private int segmentL3;
    private boolean txFailed;

    /** The director's transmitter: the namespace's ephemeral port range, a random ID seed, the system clock. */
    public TunnelForwarder() {
        this(GueSourcePort.fromSysctl(), System.nanoTime(), System::nanoTime);
    }

    /** For tests: a fixed port range, ID seed and clock. */
    TunnelForwarder(GueSourcePort gueSourcePort, long idSeed, LongSupplier nanoClock) {
        this.gueSourcePort = gueSourcePort;
        this.ids = new OuterIpId(idSeed);
        this.nanoClock = nanoClock;
    }

    @Override
    public int encapsulate(MutableDirectBuffer frame, int offset, FlowKey flow, long offload, Egress egress,
                           FrameSink sink) {
        int l3 = flow.l3Offset();
        int ipLength = flow.packetEnd() - l3;
        int ttl = frame.getByte(l3 + Ipv4Header.TTL_OFFSET) & 0xFF;
        if (ttl <= 1) {
            return Encapsulator.DROP_TTL_EXPIRED;
        }
        decrementTtl(frame, l3);
        boolean gso = Offload.isGso(offload);
        boolean remoteChecksum = remoteChecksum(egress, offload) && !gso;
        int mtu = egress.routeMtu - TunnelHeaders.OUTER_IPV4
            - TunnelHeaders.tunnelHeaderLength(egress.tunnelType, egress.tunnelFlags, remoteChecksum);
        if (mtu < MIN_TUNNEL_MTU) {
            return Encapsulator.DROP_UNSUPPORTED;
        }
        this.egress = egress;
        this.sink = sink;
        this.flowHash = flow.flowHash();
        this.txFailed = false;
        if (gso) {
            return segmentAndSend(frame, offset, flow, offload, mtu);
        }
        boolean dontFragment = (frame.getShort(l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, NET) & Ipv4Header.FLAG_DF) != 0;
        if (dontFragment && ipLength > mtu && flow.icmpInnerOffset() == FlowKey.ABSENT) {
            if (icmpLimit.allow(nanoClock.getAsLong())) {
                int client = frame.getInt(l3 + Ipv4Header.SOURCE_OFFSET, NET);
                int length = FragmentationNeeded.write(out, frame, l3, ipLength, mtu, ids.next(client, 1), egress);
                sink.send(egress.replyIfIndex, out, 0, length, Offload.NONE);
            }
            return Encapsulator.DROP_FRAG_NEEDED;
        }
        return send(frame, offset, l3, ipLength, offload) ? Encapsulator.SENT : Encapsulator.DROP_TX_FAILED;
    }

    /** REMCSUM applies only to a packet whose checksum is still partial (the kernel's CHECKSUM_PARTIAL test). */
    private static boolean remoteChecksum(Egress egress, long offload) {
        return egress.tunnelType == TunnelHeaders.GUE && (egress.tunnelFlags & TunnelHeaders.FLAG_REMCSUM) != 0
            && Offload.needsChecksum(offload);
    }

    private int segmentAndSend(MutableDirectBuffer frame, int offset, FlowKey flow, long offload, int mtu) {
        int l3 = flow.l3Offset();
        int l4 = flow.l4Offset();
        int l4Header = flow.protocol() == TCP ? (frame.getByte(l4 + 12) & 0xF0) >>> 2 : 8;
        int mss = Math.min(Offload.gsoSize(offload), mtu - (l4 - l3) - l4Header);
        if (mss <= 0) {
            return Encapsulator.DROP_UNSUPPORTED;
        }
        long fitted = Offload.of(Offload.flags(offload), Offload.gsoType(offload), mss, Offload.csumStart(offload),
            Offload.csumOffset(offload));
        segmentL3 = l3 - offset;
        int n = SoftwareOffload.segment(frame, offset, flow.packetEnd() - offset, fitted, l3, l4, false, segments,
            segmentSink);
        if (n < 0) {
            return Encapsulator.DROP_UNSUPPORTED;
        }
        return txFailed ? Encapsulator.DROP_TX_FAILED : Encapsulator.SENT;
    }

    private boolean sendSegment(MutableDirectBuffer buffer, int offset, int length) {
        if (!send(buffer, offset, offset + segmentL3, length - segmentL3, Offload.NONE)) {
            txFailed = true;
            return false;
        }
        return true;
    }

    /** Copies the IPv4 packet at {@code ip} behind fresh outer headers and queues the frame. */
    private boolean send(DirectBuffer src, int frameStart, int ip, int ipLength, long offload) {
        Egress x = egress;
        int type = x.tunnelType;
        boolean partial = Offload.needsChecksum(offload);
        boolean remoteChecksum = partial && remoteChecksum(x, offload);
        boolean outerChecksum = type == TunnelHeaders.GUE
            ? (x.tunnelFlags & (TunnelHeaders.FLAG_CSUM | TunnelHeaders.FLAG_REMCSUM)) != 0
            : type == TunnelHeaders.GRE && (x.tunnelFlags & TunnelHeaders.FLAG_CSUM) != 0;
        int tunnelAt = ETH + TunnelHeaders.OUTER_IPV4;
        int tunnelLength = TunnelHeaders.tunnelHeaderLength(type, x.tunnelFlags, remoteChecksum);
        int inner = tunnelAt + tunnelLength;
        int end = inner + ipLength;
        out.putBytes(inner, src, ip, ipLength);

        long outOffload = Offload.NONE;
        int innerCsumStart = 0;
        int csumOffset = 0;
        if (partial) {
            innerCsumStart = Offload.csumStart(offload) - (ip - frameStart); // from the inner IP header
            csumOffset = Offload.csumOffset(offload);
            long moved = Offload.of(Offload.FLAG_NEEDS_CSUM, Offload.GSO_NONE, 0, inner + innerCsumStart, csumOffset);
            if (remoteChecksum) {
                // The real server finishes it from the outer UDP checksum (GUE remote checksum offload).
            } else if (outerChecksum) {
                SoftwareOffload.completeChecksum(out, 0, end, moved); // the outer checksum covers the final bytes
            } else {
                outOffload = moved; // the kernel finishes it on the way out
            }
        }

        int tos = out.getByte(inner + Ipv4Header.TOS_OFFSET) & 0xFF;
        int ttl = out.getByte(inner + Ipv4Header.TTL_OFFSET) & 0xFF;
        boolean dontFragment = (out.getShort(inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET, NET) & Ipv4Header.FLAG_DF) != 0;
        int protocol = TunnelHeaders.outerProtocol(type);
        int id = dontFragment ? 0 : ids.next(x.realAddress, protocol);
        TunnelHeaders.writeOuterIpv4(out, ETH, TunnelHeaders.outerTos(tos), end - ETH, id, dontFragment, ttl,
            protocol, x.sourceAddress, x.realAddress);
        if (type == TunnelHeaders.GUE) {
            int udpLength = end - tunnelAt;
            TunnelHeaders.writeGue(out, tunnelAt, gueSourcePort.port(flowHash), x.tunnelPort, udpLength,
                remoteChecksum, innerCsumStart, csumOffset);
            if (outerChecksum) {
                TunnelHeaders.finishUdpChecksum(out, tunnelAt, udpLength, x.sourceAddress, x.realAddress);
            }
        } else if (type == TunnelHeaders.GRE) {
            TunnelHeaders.writeGre(out, tunnelAt, end - tunnelAt, outerChecksum);
        }
        out.putShort(0, (short) (x.nextHopMac >>> 32), NET);
        out.putInt(2, (int) x.nextHopMac, NET);
        out.putShort(6, (short) (x.sourceMac >>> 32), NET);
        out.putInt(8, (int) x.sourceMac, NET);
        out.putShort(12, (short) 0x0800, NET);
        return sink.send(x.ifIndex, out, 0, end, outOffload);
    }

    private static void decrementTtl(MutableDirectBuffer frame, int l3) {
        int word = frame.getShort(l3 + Ipv4Header.TTL_OFFSET, NET) & 0xFFFF;
        int check = frame.getShort(l3 + Ipv4Header.CHECKSUM_OFFSET, NET) & 0xFFFF;
        frame.putShort(l3 + Ipv4Header.TTL_OFFSET, (short) (word - 0x0100), NET);
        frame.putShort(l3 + Ipv4Header.CHECKSUM_OFFSET,
            (short) lvs.packet.Checksum.update16(check, word, word - 0x0100), NET);
    }

    /** Never called: the pipeline hands TUN packets to {@link #encapsulate}. */
    @Override
    public int toRealServer(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                            int virtualAddress, int virtualPort, boolean checksumPartial) {
        return Forwarder.DROP_UNSUPPORTED;
    }

    /** Replies go from the real server to the client directly; none pass the director. */
    @Override
    public int toClient(MutableDirectBuffer frame, FlowKey flow, int realAddress, int realPort,
                        int virtualAddress, int virtualPort, boolean checksumPartial) {
        return Forwarder.DROP_UNSUPPORTED;
    }
}
