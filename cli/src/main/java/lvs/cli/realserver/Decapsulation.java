package lvs.cli.realserver;

import java.nio.ByteOrder;
import lvs.io.Offload;
import lvs.io.SoftwareOffload;
import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * What a real server's {@code tunl0}, GRE device or fou/GUE socket does with the director's packets,
 * for one Ethernet frame: checks that it is an unfragmented IPv4 tunnel packet to one of this host's
 * addresses (IPIP; GRE version 0 carrying IPv4, with optional checksum, key and sequence; GUE variant 0
 * to the configured UDP port, with optional remote checksum offload), verifies the outer checksums,
 * completes any checksum left partial (by the sender's offload or by REMCSUM), applies the RFC 6040
 * ECN rule, and points at the inner packet, which must be IPv4 to one of the VIPs (anything else is not
 * ours: no open relay). Single thread; no allocation.
 */
final class Decapsulation {
    static final int IPIP = 1;
    static final int GUE = 2;
    static final int GRE = 4;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
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
    private int innerOffset;
    private int innerLength;

    /**
     * @param accepted       which encapsulations to take, {@link #IPIP} | {@link #GUE} | {@link #GRE}
     * @param guePort        GUE's UDP port (GUE is ignored when 0)
     * @param localAddresses this host's addresses the director tunnels to (empty: any)
     * @param vips           the inner destinations accepted
     */
    Decapsulation(int accepted, int guePort, int[] localAddresses, int[] vips) {
        this.accepted = accepted;
        this.guePort = guePort;
        this.localAddresses = localAddresses.clone();
        this.vips = vips.clone();
    }

    int innerOffset() {
        return innerOffset;
    }

    int innerLength() {
        return innerLength;
    }

    /** True when the frame is a tunnel packet for us; then {@link #innerOffset}/{@link #innerLength} hold the packet. */
    boolean decapsulate(MutableDirectBuffer frame, int offset, int length, long offload) {
        int end = offset + length;
        int ip = offset + ETH;
        if (length < ETH + 20 || (frame.getShort(offset + 12, NET) & 0xFFFF) != 0x0800) {
            return false;
        }
        int ihl = (frame.getByte(ip) & 0x0F) * 4;
        int total = frame.getShort(ip + 2, NET) & 0xFFFF;
        if ((frame.getByte(ip) & 0xF0) != 0x40 || ihl < 20 || total < ihl || ip + total > end) {
            return false;
        }
        if ((frame.getShort(ip + 6, NET) & 0x3FFF) != 0) {
            return false; // a fragment: the kernel would reassemble first; we do not
        }
        if (!contains(localAddresses, frame.getInt(ip + 16, NET), true)) {
            return false;
        }
        end = ip + total;
        if (Offload.needsChecksum(offload)) {
            SoftwareOffload.completeChecksum(frame, offset, end - offset, offload);
        }
        boolean verified = (Offload.flags(offload) & (Offload.FLAG_NEEDS_CSUM | Offload.FLAG_DATA_VALID)) != 0;
        int l4 = ip + ihl;
        int protocol = frame.getByte(ip + 9) & 0xFF;
        int inner;
        int remcsumStart = -1;
        int remcsumField = -1;
        if (protocol == 4 && (accepted & IPIP) != 0) {
            inner = l4;
        } else if (protocol == 47 && (accepted & GRE) != 0) {
            if (l4 + 4 > end) {
                return false;
            }
            int flags = frame.getShort(l4, NET) & 0xFFFF;
            if ((flags & 0x0007) != 0 || (flags & GRE_R) != 0 || (frame.getShort(l4 + 2, NET) & 0xFFFF) != 0x0800) {
                return false; // version 1 (PPTP), routing, or not IPv4 inside
            }
            if ((flags & GRE_C) != 0 && !verified && Checksum.compute(frame, l4, end - l4) != 0) {
                return false;
            }
            inner = l4 + 4 + ((flags & GRE_C) != 0 ? 4 : 0) + ((flags & GRE_K) != 0 ? 4 : 0) + ((flags & GRE_S) != 0 ? 4 : 0);
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
                long pseudo = Checksum.pseudoHeaderV4(frame.getInt(ip + 12, NET), frame.getInt(ip + 16, NET), 17,
                    udpLength);
                if (Checksum.transport(frame, l4, udpLength, pseudo) != 0) {
                    return false;
                }
            }
            int gue = l4 + 8;
            int first = frame.getByte(gue) & 0xFF;
            if ((first & 0xE0) != 0 || (frame.getByte(gue + 1) & 0xFF) != 4) {
                return false; // version 1 (direct IP), control messages, or not IPv4 inside
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
        if (inner + 20 > end || (frame.getByte(inner) & 0xF0) != 0x40) {
            return false;
        }
        int innerTotal = frame.getShort(inner + 2, NET) & 0xFFFF;
        if (innerTotal < 20 || inner + innerTotal > end || !contains(vips, frame.getInt(inner + 16, NET), false)) {
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
        if (!decapsulateEcn(frame, ip, inner)) {
            return false;
        }
        innerOffset = inner;
        innerLength = innerTotal;
        return true;
    }

    /** RFC 6040: outer CE marks an ECN-capable inner packet CE; a not-ECT inner packet under CE is dropped. */
    private static boolean decapsulateEcn(MutableDirectBuffer frame, int outer, int inner) {
        if ((frame.getByte(outer + 1) & 0x03) != 0x03) {
            return true;
        }
        int word = frame.getShort(inner, NET) & 0xFFFF;
        if ((word & 0x03) == 0) {
            return false;
        }
        int marked = word | 0x03;
        frame.putShort(inner, (short) marked, NET);
        int check = frame.getShort(inner + 10, NET) & 0xFFFF;
        frame.putShort(inner + 10, (short) Checksum.update16(check, word, marked), NET);
        return true;
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
