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
 * {@code -i}: the kernel's {@code ip_vs_tunnel_xmit} (IPv4 real server) and {@code ip_vs_tunnel_xmit_v6}
 * (IPv6 real server) (§5.1, §5.4 of the kernel notes). Per packet: TTL or hop limit − 1 (≤ 1 dropped);
 * tunnel MTU = route MTU − outer headers (20 or 40 bytes, plus GUE or GRE), below 68 (IPv4 outer) or
 * 1280 (IPv6 outer) dropped; a longer packet that is neither GSO nor an ICMP error gets an error back
 * when it may not be fragmented on the way: IPv4 with DF, ICMP "fragmentation needed"; IPv6 always,
 * ICMPv6 "packet too big". A GSO super-frame is cut in Java into segments that fit the tunnel (its
 * {@code gso_size}, lowered to the tunnel MTU when needed, since an encapsulated GSO frame cannot be
 * handed to the kernel); each packet is copied behind the outer headers and sent. The inner packet is
 * otherwise untouched; IPv6 inside is next header / proto_ctype 41 and GRE protocol 0x86DD. A
 * CHECKSUM_PARTIAL inner packet stays partial for the kernel to finish (IPIP, GUE and GRE without
 * checksums), is finished first when an outer checksum covers it, and is left to the real server with
 * GUE remote checksum offload. Data-plane thread only; no allocation per packet.
 */
public final class TunnelForwarder implements Forwarder, Encapsulator {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
    private static final int MIN_TUNNEL_MTU = 68;
    /** IPV6_MIN_MTU: the least tunnel MTU over an IPv6 outer header. */
    private static final int MIN_TUNNEL_MTU_IPV6 = 1280;
    private static final int IPV6_HOP_LIMIT = 7;
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
    private boolean innerIpv6;
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
        boolean inner6 = flow.isIpv6();
        int ttl = frame.getByte(l3 + (inner6 ? IPV6_HOP_LIMIT : Ipv4Header.TTL_OFFSET)) & 0xFF;
        if (ttl <= 1) {
            return Encapsulator.DROP_TTL_EXPIRED;
        }
        if (inner6) {
            frame.putByte(l3 + IPV6_HOP_LIMIT, (byte) (ttl - 1));
        } else {
            decrementTtl(frame, l3);
        }
        boolean gso = Offload.isGso(offload);
        boolean remoteChecksum = remoteChecksum(egress, offload) && !gso;
        int mtu = egress.routeMtu - (egress.outerIpv6 ? TunnelHeaders.OUTER_IPV6 : TunnelHeaders.OUTER_IPV4)
            - TunnelHeaders.tunnelHeaderLength(egress.tunnelType, egress.tunnelFlags, remoteChecksum);
        if (mtu < (egress.outerIpv6 ? MIN_TUNNEL_MTU_IPV6 : MIN_TUNNEL_MTU)) {
            return Encapsulator.DROP_UNSUPPORTED;
        }
        this.egress = egress;
        this.sink = sink;
        this.flowHash = flow.flowHash();
        this.innerIpv6 = inner6;
        this.txFailed = false;
        if (gso) {
            return segmentAndSend(frame, offset, flow, offload, mtu);
        }
        boolean mayNotFragment = inner6
            || (frame.getShort(l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, NET) & Ipv4Header.FLAG_DF) != 0;
        if (mayNotFragment && ipLength > mtu) {
            if (flow.icmpInnerOffset() == FlowKey.ABSENT && icmpLimit.allow(nanoClock.getAsLong())) {
                int length = inner6 ? PacketTooBig.write(out, frame, l3, ipLength, mtu, flow, egress)
                    : FragmentationNeeded.write(out, frame, l3, ipLength, mtu,
                        ids.next(frame.getInt(l3 + Ipv4Header.SOURCE_OFFSET, NET), 1), egress);
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
        int n = SoftwareOffload.segment(frame, offset, flow.packetEnd() - offset, fitted, l3, l4, innerIpv6, segments,
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

    /** Copies the IP packet at {@code ip} behind fresh outer headers and queues the frame. */
    private boolean send(DirectBuffer src, int frameStart, int ip, int ipLength, long offload) {
        Egress x = egress;
        int type = x.tunnelType;
        boolean partial = Offload.needsChecksum(offload);
        boolean remoteChecksum = partial && remoteChecksum(x, offload);
        boolean outerChecksum = type == TunnelHeaders.GUE
            ? (x.tunnelFlags & (TunnelHeaders.FLAG_CSUM | TunnelHeaders.FLAG_REMCSUM)) != 0
            : type == TunnelHeaders.GRE && (x.tunnelFlags & TunnelHeaders.FLAG_CSUM) != 0;
        int tunnelAt = ETH + (x.outerIpv6 ? TunnelHeaders.OUTER_IPV6 : TunnelHeaders.OUTER_IPV4);
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

        boolean inner6 = innerIpv6;
        int innerProtocol = inner6 ? TunnelHeaders.PROTO_IPV6 : TunnelHeaders.PROTO_IPIP;
        int protocol = TunnelHeaders.outerProtocol(type, innerProtocol);
        // ip_vs_prepare_tunneled_skb: the inner DS field (RFC 6040 normal mode) and TTL / hop limit.
        int dsField = inner6 ? (out.getShort(inner, NET) >>> 4) & 0xFF : out.getByte(inner + Ipv4Header.TOS_OFFSET) & 0xFF;
        int ttl = out.getByte(inner + (inner6 ? IPV6_HOP_LIMIT : Ipv4Header.TTL_OFFSET)) & 0xFF;
        if (x.outerIpv6) {
            TunnelHeaders.writeOuterIpv6(out, ETH, TunnelHeaders.outerTos(dsField), end - tunnelAt, protocol, ttl,
                x.sourceAddressHi, x.sourceAddressLo, x.realAddressHi, x.realAddressLo);
        } else {
            // DF is the inner packet's (none for IPv6 inside, as the kernel passes no df for it).
            boolean dontFragment = !inner6
                && (out.getShort(inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET, NET) & Ipv4Header.FLAG_DF) != 0;
            int id = dontFragment ? 0 : ids.next(x.realAddress, protocol);
            TunnelHeaders.writeOuterIpv4(out, ETH, TunnelHeaders.outerTos(dsField), end - ETH, id, dontFragment, ttl,
                protocol, x.sourceAddress, x.realAddress);
        }
        if (type == TunnelHeaders.GUE) {
            int udpLength = end - tunnelAt;
            TunnelHeaders.writeGue(out, tunnelAt, gueSourcePort.port(flowHash), x.tunnelPort, udpLength, innerProtocol,
                remoteChecksum, innerCsumStart, csumOffset);
            if (outerChecksum && x.outerIpv6) {
                TunnelHeaders.finishUdpChecksum6(out, tunnelAt, udpLength, x.sourceAddressHi, x.sourceAddressLo,
                    x.realAddressHi, x.realAddressLo);
            } else if (outerChecksum) {
                TunnelHeaders.finishUdpChecksum(out, tunnelAt, udpLength, x.sourceAddress, x.realAddress);
            }
        } else if (type == TunnelHeaders.GRE) {
            TunnelHeaders.writeGre(out, tunnelAt, end - tunnelAt,
                inner6 ? TunnelHeaders.ETH_P_IPV6 : TunnelHeaders.ETH_P_IP, outerChecksum);
        }
        out.putShort(0, (short) (x.nextHopMac >>> 32), NET);
        out.putInt(2, (int) x.nextHopMac, NET);
        out.putShort(6, (short) (x.sourceMac >>> 32), NET);
        out.putInt(8, (int) x.sourceMac, NET);
        out.putShort(12, (short) (x.outerIpv6 ? TunnelHeaders.ETH_P_IPV6 : TunnelHeaders.ETH_P_IP), NET);
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
