package lvs.cli.realserver;

import java.nio.ByteOrder;
import lvs.io.Offload;
import lvs.io.SoftwareOffload;
import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * What a real server's {@code tunl0} / {@code ip6tnl0}, GRE device or fou/GUE socket does with the
 * director's packets, for one Ethernet frame: checks that it is an unfragmented IPv4 or IPv6 (no
 * extension headers) tunnel packet to one of this host's addresses (IPIP and IPv6-in-IP, next header 4
 * or 41; GRE version 0 carrying IPv4 or IPv6, with optional checksum, key and sequence; GUE variant 0 to
 * the configured UDP port, proto_ctype 4 or 41, with optional remote checksum offload), verifies the outer
 * checksums (a zero UDP checksum is accepted over IPv6 too, as RFC 6935 allows tunnels and the director
 * sends by default), completes any checksum left partial (by the sender's offload or by REMCSUM), applies
 * the RFC 6040 ECN rule, and points at the inner packet, which must go to one of the VIPs (anything else
 * is not ours: no open relay). Single thread; no allocation.
 */
final class Decapsulation {
    static final int IPIP = 1;
    static final int GUE = 2;
    static final int GRE = 4;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
    private static final int IPV6 = 40;
    private static final int PROTO_IPIP = 4;
    private static final int PROTO_IPV6 = 41;
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86DD;
    private static final int GRE_C = 0x8000;
    private static final int GRE_R = 0x4000;
    private static final int GRE_K = 0x2000;
    private static final int GRE_S = 0x1000;
    private static final int GUE_FLAG_PRIV = 0x0001;
    private static final int GUE_PFLAG_REMCSUM = 0x8000_0000;

    private final int accepted;
    private final int guePort;
    private final int[] localAddresses;
    private final int[] vips;
    private final long[] localAddresses6;
    private final long[] vips6;
    private int innerOffset;
    private int innerLength;

    /** IPv4 only: {@link #Decapsulation(int, int, int[], int[], long[], long[])} without IPv6 addresses. */
    Decapsulation(int accepted, int guePort, int[] localAddresses, int[] vips) {
        this(accepted, guePort, localAddresses, vips, new long[0], new long[0]);
    }

    /**
     * @param accepted        which encapsulations to take, {@link #IPIP} | {@link #GUE} | {@link #GRE}
     * @param guePort         GUE's UDP port (GUE is ignored when 0)
     * @param localAddresses  this host's IPv4 addresses the director tunnels to (empty: any)
     * @param vips            the IPv4 inner destinations accepted
     * @param localAddresses6 this host's IPv6 addresses as (hi, lo) pairs (empty: any)
     * @param vips6           the IPv6 inner destinations accepted, as (hi, lo) pairs
     */
    Decapsulation(int accepted, int guePort, int[] localAddresses, int[] vips, long[] localAddresses6,
                  long[] vips6) {
        this.accepted = accepted;
        this.guePort = guePort;
        this.localAddresses = localAddresses.clone();
        this.vips = vips.clone();
        this.localAddresses6 = localAddresses6.clone();
        this.vips6 = vips6.clone();
    }

    int innerOffset() {
        return innerOffset;
    }

    int innerLength() {
        return innerLength;
    }

    /** True when the frame is a tunnel packet for us; then {@link #innerOffset}/{@link #innerLength} hold the packet. */
    boolean decapsulate(MutableDirectBuffer frame, int offset, int length, long offload) {
        int ip = offset + ETH;
        int etherType = length < ETH ? 0 : frame.getShort(offset + 12, NET) & 0xFFFF;
        boolean outer6 = etherType == ETH_P_IPV6;
        int end;
        int l4;
        int protocol;
        if (etherType == ETH_P_IP) {
            if (length < ETH + 20) {
                return false;
            }
            int ihl = (frame.getByte(ip) & 0x0F) * 4;
            int total = frame.getShort(ip + 2, NET) & 0xFFFF;
            if ((frame.getByte(ip) & 0xF0) != 0x40 || ihl < 20 || total < ihl || ip + total > offset + length) {
                return false;
            }
            if ((frame.getShort(ip + 6, NET) & 0x3FFF) != 0) {
                return false; // a fragment: the kernel would reassemble first; we do not
            }
            if (!contains(localAddresses, frame.getInt(ip + 16, NET), true)) {
                return false;
            }
            end = ip + total;
            l4 = ip + ihl;
            protocol = frame.getByte(ip + 9) & 0xFF;
        } else if (outer6) {
            if (length < ETH + IPV6 || (frame.getByte(ip) & 0xF0) != 0x60) {
                return false;
            }
            end = ip + IPV6 + (frame.getShort(ip + 4, NET) & 0xFFFF);
            if (end > offset + length || !contains6(localAddresses6, frame.getLong(ip + 24, NET),
                frame.getLong(ip + 32, NET), true)) {
                return false;
            }
            l4 = ip + IPV6;
            protocol = frame.getByte(ip + 6) & 0xFF; // an extension header (a fragment...) is not ours
        } else {
            return false;
        }
        if (Offload.needsChecksum(offload)) {
            SoftwareOffload.completeChecksum(frame, offset, end - offset, offload);
        }
        boolean verified = (Offload.flags(offload) & (Offload.FLAG_NEEDS_CSUM | Offload.FLAG_DATA_VALID)) != 0;
        int inner;
        int innerProtocol;
        int remcsumStart = -1;
        int remcsumField = -1;
        if ((protocol == PROTO_IPIP || protocol == PROTO_IPV6) && (accepted & IPIP) != 0) {
            inner = l4;
            innerProtocol = protocol;
        } else if (protocol == 47 && (accepted & GRE) != 0) {
            if (l4 + 4 > end) {
                return false;
            }
            int flags = frame.getShort(l4, NET) & 0xFFFF;
            int type = frame.getShort(l4 + 2, NET) & 0xFFFF;
            if ((flags & 0x0007) != 0 || (flags & GRE_R) != 0 || type != ETH_P_IP && type != ETH_P_IPV6) {
                return false; // version 1 (PPTP), routing, or not IP inside
            }
            if ((flags & GRE_C) != 0 && !verified && Checksum.compute(frame, l4, end - l4) != 0) {
                return false;
            }
            inner = l4 + 4 + ((flags & GRE_C) != 0 ? 4 : 0) + ((flags & GRE_K) != 0 ? 4 : 0) + ((flags & GRE_S) != 0 ? 4 : 0);
            innerProtocol = type == ETH_P_IP ? PROTO_IPIP : PROTO_IPV6;
        } else if (protocol == 17 && (accepted & GUE) != 0 && guePort != 0) {
            if (l4 + 12 > end || (frame.getShort(l4 + 2, NET) & 0xFFFF) != guePort) {
                return false;
            }
            int udpLength = frame.getShort(l4 + 4, NET) & 0xFFFF;
            if (udpLength < 12 || l4 + udpLength > end) {
                return false;
            }
            end = l4 + udpLength;
            int check = frame.getShort(l4 + 6, NET) & 0xFFFF;
            if (check != 0 && !verified) {
                long pseudo = outer6
                    ? Checksum.pseudoHeaderV6(frame.getLong(ip + 8, NET), frame.getLong(ip + 16, NET),
                        frame.getLong(ip + 24, NET), frame.getLong(ip + 32, NET), 17, udpLength)
                    : Checksum.pseudoHeaderV4(frame.getInt(ip + 12, NET), frame.getInt(ip + 16, NET), 17, udpLength);
                if (Checksum.transport(frame, l4, udpLength, pseudo) != 0) {
                    return false;
                }
            }
            int gue = l4 + 8;
            int first = frame.getByte(gue) & 0xFF;
            innerProtocol = frame.getByte(gue + 1) & 0xFF;
            if ((first & 0xE0) != 0 || innerProtocol != PROTO_IPIP && innerProtocol != PROTO_IPV6) {
                return false; // version 1 (direct IP), control messages, or not IP inside
            }
            int optionsLength = (first & 0x1F) * 4;
            int flags = frame.getShort(gue + 2, NET) & 0xFFFF;
            if ((flags & ~GUE_FLAG_PRIV) != 0) {
                return false; // options we do not parse
            }
            if ((flags & GUE_FLAG_PRIV) != 0 && optionsLength >= 8
                && (frame.getInt(gue + 4, NET) & GUE_PFLAG_REMCSUM) != 0) {
                remcsumStart = frame.getShort(gue + 8, NET) & 0xFFFF;
                remcsumField = frame.getShort(gue + 10, NET) & 0xFFFF;
            }
            inner = gue + 4 + optionsLength;
        } else {
            return false;
        }
        int innerTotal = innerProtocol == PROTO_IPIP ? innerIpv4Length(frame, inner, end) : innerIpv6Length(frame, inner, end);
        if (innerTotal < 0) {
            return false;
        }
        if (remcsumStart >= 0) {
            // The field holds the pseudo-header sum; the checksum over the rest completes it (RFC 7605 §2).
            if (remcsumField + 2 > innerTotal || remcsumStart >= remcsumField) {
                return false;
            }
            int sum = Checksum.finish(Checksum.sum(frame, inner + remcsumStart, innerTotal - remcsumStart, 0));
            frame.putShort(inner + remcsumField, (short) (sum == 0 ? 0xFFFF : sum), NET);
        }
        int outerEcn = outer6 ? (frame.getShort(ip, NET) >>> 4) & 0x03 : frame.getByte(ip + 1) & 0x03;
        if (!decapsulateEcn(frame, outerEcn, inner, innerProtocol == PROTO_IPV6)) {
            return false;
        }
        innerOffset = inner;
        innerLength = innerTotal;
        return true;
    }

    /** The inner IPv4 packet's length if it is whole and to one of the VIPs, else -1. */
    private int innerIpv4Length(MutableDirectBuffer frame, int inner, int end) {
        if (inner + 20 > end || (frame.getByte(inner) & 0xF0) != 0x40) {
            return -1;
        }
        int total = frame.getShort(inner + 2, NET) & 0xFFFF;
        return total < 20 || inner + total > end || !contains(vips, frame.getInt(inner + 16, NET), false) ? -1 : total;
    }

    /** The inner IPv6 packet's length if it is whole and to one of the VIPs, else -1. */
    private int innerIpv6Length(MutableDirectBuffer frame, int inner, int end) {
        if (inner + IPV6 > end || (frame.getByte(inner) & 0xF0) != 0x60) {
            return -1;
        }
        int total = IPV6 + (frame.getShort(inner + 4, NET) & 0xFFFF);
        return inner + total > end
            || !contains6(vips6, frame.getLong(inner + 24, NET), frame.getLong(inner + 32, NET), false) ? -1 : total;
    }

    /**
     * RFC 6040: outer CE marks an ECN-capable inner packet CE; a not-ECT inner packet under CE is dropped.
     * The ECN bits are the low two of IPv4's TOS and of IPv6's traffic class (bits 4-5 of the first word).
     */
    private static boolean decapsulateEcn(MutableDirectBuffer frame, int outerEcn, int inner, boolean inner6) {
        if (outerEcn != 0x03) {
            return true;
        }
        int word = frame.getShort(inner, NET) & 0xFFFF;
        int ecnShift = inner6 ? 4 : 0;
        if ((word >>> ecnShift & 0x03) == 0) {
            return false;
        }
        int marked = word | 0x03 << ecnShift;
        frame.putShort(inner, (short) marked, NET);
        if (!inner6) {
            int check = frame.getShort(inner + 10, NET) & 0xFFFF;
            frame.putShort(inner + 10, (short) Checksum.update16(check, word, marked), NET);
        }
        return true;
    }

    private static boolean contains6(long[] pairs, long hi, long lo, boolean emptyMeansAll) {
        if (pairs.length == 0) {
            return emptyMeansAll;
        }
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i] == hi && pairs[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(int[] set, int value, boolean emptyMeansAll) {
        if (set.length == 0) {
            return emptyMeansAll;
        }
        for (int v : set) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
