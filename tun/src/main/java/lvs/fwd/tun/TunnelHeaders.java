package lvs.fwd.tun;

import java.nio.ByteOrder;
import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * Sizes and bytes of the headers the director puts in front of the client's packet, laid out as the
 * kernel's {@code ip_vs_tunnel_xmit}, {@code ipvs_gue_encap} and {@code gre_build_header} make them.
 * Offsets are absolute in the buffer; no allocation.
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
    static final int UDP = 8;
    static final int GUE_BASE = 4;
    /** GUE_LEN_PRIV (private flags word) + GUE_PLEN_REMCSUM (csum_start, csum_start + csum_offset). */
    static final int GUE_REMCSUM_OPTION = 8;
    static final int GRE_BASE = 4;
    static final int GRE_CHECKSUM = 4;

    static final int PROTO_IPIP = 4;
    static final int PROTO_UDP = 17;
    static final int PROTO_GRE = 47;
    private static final int GRE_FLAG_CSUM = 0x8000;
    private static final int GUE_FLAG_PRIV = 0x0001;
    private static final int GUE_PFLAG_REMCSUM = 0x8000_0000;
    private static final int ETH_P_IP = 0x0800;
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

    static int outerProtocol(int type) {
        return switch (type) {
            case GUE -> PROTO_UDP;
            case GRE -> PROTO_GRE;
            default -> PROTO_IPIP;
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
     * UDP + GUE variant 0 at {@code udp}, for an IPv4 inner packet. With {@code remoteChecksum} the
     * private-flags option carries REMCSUM and the inner checksum's start and field, relative to the
     * inner packet. The UDP checksum is written later by {@link #finishUdpChecksum} (0 = none).
     */
    static void writeGue(MutableDirectBuffer b, int udp, int sourcePort, int destinationPort, int udpLength,
                         boolean remoteChecksum, int innerCsumStart, int innerCsumOffset) {
        b.putShort(udp, (short) sourcePort, NET);
        b.putShort(udp + 2, (short) destinationPort, NET);
        b.putShort(udp + 4, (short) udpLength, NET);
        b.putShort(udp + 6, (short) 0);
        int gue = udp + UDP;
        b.putByte(gue, (byte) (remoteChecksum ? GUE_REMCSUM_OPTION >>> 2 : 0)); // version 0, C 0, hlen in words
        b.putByte(gue + 1, (byte) PROTO_IPIP);
        b.putShort(gue + 2, (short) (remoteChecksum ? GUE_FLAG_PRIV : 0), NET);
        if (remoteChecksum) {
            b.putInt(gue + 4, GUE_PFLAG_REMCSUM, NET);
            b.putShort(gue + 8, (short) innerCsumStart, NET);
            b.putShort(gue + 10, (short) (innerCsumStart + innerCsumOffset), NET);
        }
    }

    /** A full UDP checksum over the datagram at {@code udp} (never 0 on the wire). */
    static void finishUdpChecksum(MutableDirectBuffer b, int udp, int udpLength, int source, int destination) {
        long pseudo = Checksum.pseudoHeaderV4(source, destination, PROTO_UDP, udpLength);
        b.putShort(udp + 6, (short) 0);
        b.putShort(udp + 6, (short) Checksum.udpNonZero(Checksum.transport(b, udp, udpLength, pseudo)), NET);
    }

    /** GRE (RFC 2784) at {@code gre}: no key, no sequence; with CSUM, a checksum over GRE header and payload. */
    static void writeGre(MutableDirectBuffer b, int gre, int greLength, boolean checksum) {
        b.putShort(gre, (short) (checksum ? GRE_FLAG_CSUM : 0), NET);
        b.putShort(gre + 2, (short) ETH_P_IP, NET);
        if (checksum) {
            b.putInt(gre + 4, 0);
            b.putShort(gre + 4, (short) Checksum.compute(b, gre, greLength), NET);
        }
    }
}
