package lvs.fwd.tun;

import java.nio.ByteOrder;
import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * Sizes and bytes of the headers the director puts in front of the client's packet, laid out as the
 * kernel's {@code ip_vs_tunnel_xmit} / {@code ip_vs_tunnel_xmit_v6}, {@code ipvs_gue_encap} and
 * {@code gre_build_header} make them: an outer IPv4 or IPv6 header, then nothing (IPIP, IPv6-in-IPv6),
 * UDP + GUE, or GRE. Offsets are absolute in the buffer; no allocation.
 */
final class TunnelHeaders {
    static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    static final int IPIP = 0;
    static final int GUE = 1;
    static final int GRE = 2;
    /** IP_VS_TUNNEL_ENCAP_FLAG_CSUM / _REMCSUM. */
    static final int FLAG_CSUM = 1;
    static final int FLAG_REMCSUM = 2;

    static final int OUTER_IPV4 = 20;
    static final int OUTER_IPV6 = 40;
    static final int UDP = 8;
    static final int GUE_BASE = 4;
    /** GUE_LEN_PRIV (private flags word) + GUE_PLEN_REMCSUM (csum_start, csum_start + csum_offset). */
    static final int GUE_REMCSUM_OPTION = 8;
    static final int GRE_BASE = 4;
    static final int GRE_CHECKSUM = 4;

    static final int PROTO_IPIP = 4;
    /** IPPROTO_IPV6: the outer protocol / next header, GUE proto_ctype, for an IPv6 inner packet. */
    static final int PROTO_IPV6 = 41;
    static final int PROTO_UDP = 17;
    static final int PROTO_GRE = 47;
    private static final int GRE_FLAG_CSUM = 0x8000;
    private static final int GUE_FLAG_PRIV = 0x0001;
    private static final int GUE_PFLAG_REMCSUM = 0x8000_0000;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_IPV6 = 0x86DD;
    private static final int IP_DF = 0x4000;

    private TunnelHeaders() {
    }

    /** Bytes between the outer IPv4 header and the inner packet. */
    static int tunnelHeaderLength(int type, int flags, boolean remoteChecksum) {
        return switch (type) {
            case GUE -> UDP + GUE_BASE + (remoteChecksum ? GUE_REMCSUM_OPTION : 0);
            case GRE -> GRE_BASE + ((flags & FLAG_CSUM) != 0 ? GRE_CHECKSUM : 0);
            default -> 0;
        };
    }

    /** The outer header's protocol / next header: {@code innerProtocol} (4 or 41) itself for IPIP. */
    static int outerProtocol(int type, int innerProtocol) {
        return switch (type) {
            case GUE -> PROTO_UDP;
            case GRE -> PROTO_GRE;
            default -> innerProtocol;
        };
    }

    /**
     * RFC 6040 "normal mode" encapsulation ({@code INET_ECN_encapsulate(tos, tos)}): the DSCP is copied;
     * a CE inner packet gets ECT(0) outside, any other ECN value is copied.
     */
    static int outerTos(int innerTos) {
        return (innerTos & 0x03) == 0x03 ? (innerTos & ~0x03) | 0x02 : innerTos;
    }

    /** The outer IPv4 header (20 bytes, no options) at {@code ip}, checksum included. */
    static void writeOuterIpv4(MutableDirectBuffer b, int ip, int tos, int totalLength, int id, boolean dontFragment,
                               int ttl, int protocol, int source, int destination) {
        b.putByte(ip, (byte) 0x45);
        b.putByte(ip + 1, (byte) tos);
        b.putShort(ip + 2, (short) totalLength, NET);
        b.putShort(ip + 4, (short) id, NET);
        b.putShort(ip + 6, (short) (dontFragment ? IP_DF : 0), NET);
        b.putByte(ip + 8, (byte) ttl);
        b.putByte(ip + 9, (byte) protocol);
        b.putShort(ip + 10, (short) 0);
        b.putInt(ip + 12, source, NET);
        b.putInt(ip + 16, destination, NET);
        b.putShort(ip + 10, (short) Checksum.compute(b, ip, OUTER_IPV4), NET);
    }

    /**
     * The outer IPv6 header (40 bytes) at {@code ip}: traffic class as given, flow label 0 (the kernel
     * clears it), hop limit copied from the inner packet by the caller. IPv6 has no header checksum
     * and no DF: the sender gets packet too big before this point.
     */
    static void writeOuterIpv6(MutableDirectBuffer b, int ip, int trafficClass, int payloadLength, int nextHeader,
                               int hopLimit, long sourceHi, long sourceLo, long destinationHi, long destinationLo) {
        b.putInt(ip, 6 << 28 | (trafficClass & 0xFF) << 20, NET);
        b.putShort(ip + 4, (short) payloadLength, NET);
        b.putByte(ip + 6, (byte) nextHeader);
        b.putByte(ip + 7, (byte) hopLimit);
        b.putLong(ip + 8, sourceHi, NET);
        b.putLong(ip + 16, sourceLo, NET);
        b.putLong(ip + 24, destinationHi, NET);
        b.putLong(ip + 32, destinationLo, NET);
    }

    /**
     * UDP + GUE variant 0 at {@code udp}; {@code innerProtocol} (4 or 41) is GUE's proto_ctype. With {@code remoteChecksum} the
     * private-flags option carries REMCSUM and the inner checksum's start and field, relative to the
     * inner packet. The UDP checksum is written later by {@link #finishUdpChecksum} (0 = none).
     */
    static void writeGue(MutableDirectBuffer b, int udp, int sourcePort, int destinationPort, int udpLength,
                         int innerProtocol, boolean remoteChecksum, int innerCsumStart, int innerCsumOffset) {
        b.putShort(udp, (short) sourcePort, NET);
        b.putShort(udp + 2, (short) destinationPort, NET);
        b.putShort(udp + 4, (short) udpLength, NET);
        b.putShort(udp + 6, (short) 0);
        int gue = udp + UDP;
        b.putByte(gue, (byte) (remoteChecksum ? GUE_REMCSUM_OPTION >>> 2 : 0)); // version 0, C 0, hlen in words
        b.putByte(gue + 1, (byte) innerProtocol);
        b.putShort(gue + 2, (short) (remoteChecksum ? GUE_FLAG_PRIV : 0), NET);
        if (remoteChecksum) {
            b.putInt(gue + 4, GUE_PFLAG_REMCSUM, NET);
            b.putShort(gue + 8, (short) innerCsumStart, NET);
            b.putShort(gue + 10, (short) (innerCsumStart + innerCsumOffset), NET);
        }
    }

    /** A full UDP checksum over the datagram at {@code udp} (never 0 on the wire). */
    static void finishUdpChecksum(MutableDirectBuffer b, int udp, int udpLength, int source, int destination) {
        finishUdpChecksum(b, udp, udpLength, Checksum.pseudoHeaderV4(source, destination, PROTO_UDP, udpLength));
    }

    /** {@link #finishUdpChecksum} under an outer IPv6 header. */
    static void finishUdpChecksum6(MutableDirectBuffer b, int udp, int udpLength, long sourceHi, long sourceLo,
                                   long destinationHi, long destinationLo) {
        finishUdpChecksum(b, udp, udpLength,
            Checksum.pseudoHeaderV6(sourceHi, sourceLo, destinationHi, destinationLo, PROTO_UDP, udpLength));
    }

    private static void finishUdpChecksum(MutableDirectBuffer b, int udp, int udpLength, long pseudo) {
        b.putShort(udp + 6, (short) 0);
        b.putShort(udp + 6, (short) Checksum.udpNonZero(Checksum.transport(b, udp, udpLength, pseudo)), NET);
    }

    /**
     * GRE (RFC 2784) at {@code gre}, protocol {@code etherType} (0x0800 or 0x86DD for the inner packet):
     * no key, no sequence; with CSUM, a checksum over GRE header and payload.
     */
    static void writeGre(MutableDirectBuffer b, int gre, int greLength, int etherType, boolean checksum) {
        b.putShort(gre, (short) (checksum ? GRE_FLAG_CSUM : 0), NET);
        b.putShort(gre + 2, (short) etherType, NET);
        if (checksum) {
            b.putInt(gre + 4, 0);
            b.putShort(gre + 4, (short) Checksum.compute(b, gre, greLength), NET);
        }
    }
}
